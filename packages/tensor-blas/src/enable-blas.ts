import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { isOff, loadBlasLibrary, type BlasLibrary } from './blas-library.js';
import { blasConv2D, blasConv2DBackpropFilter, blasConv2DBackpropInput, blasFusedConv2D } from './conv2d-kernels.js';
import { blasMatMul } from './matmul-kernels.js';

/** One kernel this package puts on the wasm backend; `previous` is what was registered before (handles what BLAS does not). */
interface BlasKernel {
  kernelName: string;
  /** Register even when the backend has no kernel of that name. */
  addsMissing: boolean;
  make: (blas: BlasLibrary, previous: KernelConfig | undefined) => KernelFunc;
}

const needsPrevious =
  (make: (blas: BlasLibrary, previous: KernelConfig) => KernelFunc) =>
  (blas: BlasLibrary, previous: KernelConfig | undefined): KernelFunc =>
    make(blas, previous!);

/** The kernels that run on BLAS. */
export const blasKernels: readonly BlasKernel[] = [
  { kernelName: 'BatchMatMul', addsMissing: false, make: needsPrevious(blasMatMul) },
  { kernelName: '_FusedMatMul', addsMissing: false, make: needsPrevious(blasMatMul) },
  { kernelName: 'Conv2D', addsMissing: false, make: needsPrevious(blasConv2D) },
  { kernelName: 'FusedConv2D', addsMissing: false, make: needsPrevious(blasFusedConv2D) },
  { kernelName: 'Conv2DBackpropInput', addsMissing: false, make: needsPrevious(blasConv2DBackpropInput) },
  { kernelName: 'Conv2DBackpropFilter', addsMissing: true, make: blasConv2DBackpropFilter },
];

/** Whether BLAS kernels are active, on which library, and why not when they are not. */
export interface BlasStatus {
  active: boolean;
  /** e.g. "OpenBLAS 0.3.21"; null when none loaded. */
  library: string | null;
  /** The file or name that was loaded; null when none. */
  path: string | null;
  /** One line: what runs on BLAS, or why nothing does. */
  reason: string;
  /** Kernels now running on BLAS. */
  kernels: string[];
  /** The library's thread count when it reports one. */
  threads: number | null;
}

export interface EnableBlasOptions {
  /** The backend to accelerate; only 'wasm' is supported (its tensors live in one heap BLAS can read). */
  backendName?: string;
  /** A library path or name; overrides `LIFTGUARD_BLAS`. 'off' keeps the plain kernels. */
  library?: string;
}

let loaded: BlasLibrary | undefined;
const replaced = new Map<string, KernelConfig | undefined>();
let status: BlasStatus = { active: false, library: null, path: null, reason: 'BLAS not enabled (call enableBlas)', kernels: [], threads: null };

function statusOf(library: BlasLibrary, kernels: string[]): BlasStatus {
  return {
    active: true,
    library: library.name,
    path: library.path,
    reason: `${kernels.length} kernels on ${library.name}: ${kernels.join(', ')}`,
    kernels,
    threads: library.getThreads?.() ?? null,
  };
}

/**
 * Puts matMul and conv2d kernels running on the system BLAS onto tfjs's wasm backend (before
 * or after it is initialized). Never throws: when no library loads, the wasm kernels stay and
 * the status says why in one line. Idempotent; `disableBlas` undoes it.
 */
export function enableBlas(options: EnableBlasOptions = {}): BlasStatus {
  const backendName = options.backendName ?? 'wasm';
  if (backendName !== 'wasm') {
    return { ...status, active: false, reason: `BLAS kernels run on the wasm backend only, not '${backendName}'`, kernels: [] };
  }
  const requested = options.library ?? (process.env.LIFTGUARD_BLAS || undefined);
  if (requested !== undefined && isOff(requested)) {
    if (status.active) disableBlas(backendName);
    status = { active: false, library: null, path: null, reason: `turned off by ${options.library !== undefined ? 'the library option' : 'LIFTGUARD_BLAS'}=${requested}`, kernels: [], threads: null };
    return status;
  }
  if (status.active) return status;
  const library = loaded && requested === undefined ? loaded : loadBlasLibrary(requested);
  if (!('sgemm' in library)) {
    status = { active: false, library: null, path: null, reason: library.reason, kernels: [], threads: null };
    return status;
  }
  loaded = library;
  const kernels: string[] = [];
  for (const { kernelName, addsMissing, make } of blasKernels) {
    const previous = getKernel(kernelName, backendName);
    if (previous == null && !addsMissing) continue;
    if (previous != null) unregisterKernel(kernelName, backendName);
    // Keep the previous setupFunc: the backend runs it at initialization, and delegation needs it.
    registerKernel({ ...previous, kernelName, backendName, kernelFunc: make(library, previous) });
    replaced.set(kernelName, previous);
    kernels.push(kernelName);
  }
  status = statusOf(library, kernels);
  return status;
}

/** Restores the kernels `enableBlas` replaced (for comparisons and tests). */
export function disableBlas(backendName = 'wasm'): void {
  for (const [kernelName, previous] of replaced) {
    unregisterKernel(kernelName, backendName);
    if (previous) registerKernel(previous);
  }
  replaced.clear();
  status = { ...status, active: false, reason: 'BLAS disabled (disableBlas)', kernels: [] };
}

/** The current state, without changing anything. */
export function blasStatus(): BlasStatus {
  return status;
}

/** Sets the BLAS library's thread count (OpenBLAS); false when the library has no such call or none is loaded. */
export function setBlasThreads(count: number): boolean {
  if (!Number.isInteger(count) || count < 1) throw new Error(`setBlasThreads: count must be a positive integer, got ${count}`);
  if (!loaded?.setThreads) return false;
  loaded.setThreads(count);
  if (status.active) status = { ...status, threads: loaded.getThreads?.() ?? count };
  return true;
}
