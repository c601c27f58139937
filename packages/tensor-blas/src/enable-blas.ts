import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';
import { isOff, loadBlasLibrary, type BlasLibrary } from './blas-library.js';
import { blasConv2D, blasConv2DBackpropFilter, blasConv2DBackpropInput, blasFusedConv2D } from './conv2d-kernels.js';
import { dnnlKernels } from './dnnl-conv-kernels.js';
import { loadDnnlLibrary, type DnnlLibrary } from './dnnl-library.js';
import { blasMatMul } from './matmul-kernels.js';
import { adamStepKernel, adamStepKernelName } from './adam-kernel.js';
import { gramPowerIterationsKernel, gramPowerIterationsKernelName } from './gram-power-iterations-kernel.js';
import { linfStepKernel, linfStepKernelName } from './linf-step-kernel.js';
import { maxAbsDifferencesKernel, maxAbsDifferencesKernelName } from './max-abs-differences-kernel.js';
import { loadLoopsLibrary, type LoopsLibrary } from './loops-library.js';

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
  /** The library convolutions run on when it is not BLAS, e.g. "oneDNN 2.6.3"; null when none loaded. */
  convolutions: string | null;
  /** The file or name that was loaded; null when none. */
  path: string | null;
  /** One line: what runs on BLAS, or why nothing does. */
  reason: string;
  /** Kernels now running on BLAS. */
  kernels: string[];
  /** The library's thread count when it reports one. */
  threads: number | null;
  /** "compiled loops" when this package's fused C loops are loaded (Adam, the L∞ PGD and APGD steps, FAB's projection, Sign, a solver's per-round changes, dense spectral-norm estimates); null when not. */
  loops: string | null;
}

export interface EnableBlasOptions {
  /** The backend to accelerate; only 'wasm' is supported (its tensors live in one heap BLAS can read). */
  backendName?: string;
  /** A library path or name; overrides `LIFTGUARD_BLAS`. 'off' keeps the plain kernels. */
  library?: string;
  /** A oneDNN library path or name for the convolutions; overrides `LIFTGUARD_DNNL`. 'off' leaves them on BLAS or wasm. */
  dnnl?: string;
  /** The compiled fused loops' path; overrides `LIFTGUARD_LOOPS`. 'off' keeps the JavaScript and tensor versions. */
  loops?: string;
}

let loaded: BlasLibrary | undefined;
let loadedDnnl: DnnlLibrary | undefined;
let loadedLoops: LoopsLibrary | undefined;
/** The kernel registered before this package replaced it (restored by disableBlas). */
const replaced = new Map<string, KernelConfig | undefined>();
const off = (reason: string): BlasStatus => ({ active: false, library: null, convolutions: null, path: null, reason, kernels: [], threads: null, loops: null });
let status: BlasStatus = off('BLAS not enabled (call enableBlas)');

/** Registers `kernelFunc` under `kernelName`, over what is registered now (kept once for disableBlas). */
function replace(kernelName: string, backendName: string, previous: KernelConfig | undefined, kernelFunc: KernelFunc): void {
  if (previous != null) unregisterKernel(kernelName, backendName);
  // Keep the previous setupFunc: the backend runs it at initialization, and delegation needs it.
  registerKernel({ ...previous, kernelName, backendName, kernelFunc });
  if (!replaced.has(kernelName)) replaced.set(kernelName, previous);
}

function describe(libraries: ({ name: string; kernels: string[] } | null)[], whyNot: string[]): string {
  const parts = libraries.filter((p) => p !== null && p.kernels.length > 0).map((p) => `${p!.kernels.join(', ')} on ${p!.name}`);
  return [...parts, ...whyNot].join('; ');
}

/**
 * Puts matMul kernels running on the system BLAS, and conv2d kernels running on oneDNN (or,
 * without it, on BLAS), onto tfjs's wasm backend (before or after it is initialized). Never
 * throws: what does not load leaves the wasm kernels in place and the status says why in one
 * line. Idempotent; `disableBlas` undoes it.
 */
export function enableBlas(options: EnableBlasOptions = {}): BlasStatus {
  const backendName = options.backendName ?? 'wasm';
  if (backendName !== 'wasm') {
    return { ...status, active: false, reason: `BLAS kernels run on the wasm backend only, not '${backendName}'`, kernels: [] };
  }
  const requested = options.library ?? (process.env.LIFTGUARD_BLAS || undefined);
  if (requested !== undefined && isOff(requested)) {
    if (status.active) disableBlas(backendName);
    status = off(`turned off by ${options.library !== undefined ? 'the library option' : 'LIFTGUARD_BLAS'}=${requested}`);
    return status;
  }
  if (status.active) return status;
  const whyNot: string[] = [];
  const library = loaded && requested === undefined ? loaded : loadBlasLibrary(requested);
  const blasKernelNames: string[] = [];
  if ('sgemm' in library) {
    loaded = library;
    for (const { kernelName, addsMissing, make } of blasKernels) {
      const previous = getKernel(kernelName, backendName);
      if (previous == null && !addsMissing) continue;
      replace(kernelName, backendName, previous, make(library, previous));
      blasKernelNames.push(kernelName);
    }
  } else whyNot.push(library.reason);
  const requestedDnnl = options.dnnl ?? (process.env.LIFTGUARD_DNNL || undefined);
  const dnnl = loadedDnnl && requestedDnnl === undefined ? loadedDnnl : loadDnnlLibrary(requestedDnnl);
  const dnnlKernelNames: string[] = [];
  if ('forward' in dnnl) {
    loadedDnnl = dnnl;
    for (const { kernelName, make } of dnnlKernels) {
      const previous = getKernel(kernelName, backendName);
      if (previous == null) continue;
      replace(kernelName, backendName, previous, make(dnnl, previous));
      dnnlKernelNames.push(kernelName);
    }
  } else whyNot.push(`convolutions ${blasKernelNames.length > 0 ? 'on BLAS' : 'on wasm'}: ${dnnl.reason}`);
  const requestedLoops = options.loops ?? (process.env.LIFTGUARD_LOOPS || undefined);
  const loops = loadedLoops && requestedLoops === undefined ? loadedLoops : loadLoopsLibrary(requestedLoops);
  const loopKernelNames: string[] = [];
  if ('adamStep' in loops) {
    loadedLoops = loops;
    replace(adamStepKernelName, backendName, getKernel(adamStepKernelName, backendName), adamStepKernel(loops));
    replace(maxAbsDifferencesKernelName, backendName, getKernel(maxAbsDifferencesKernelName, backendName), maxAbsDifferencesKernel(loops));
    replace(gramPowerIterationsKernelName, backendName, getKernel(gramPowerIterationsKernelName, backendName), gramPowerIterationsKernel(loops));
    replace(linfStepKernelName, backendName, getKernel(linfStepKernelName, backendName), linfStepKernel(loops));
    loopKernelNames.push(adamStepKernelName, maxAbsDifferencesKernelName, gramPowerIterationsKernelName, linfStepKernelName);
  } else whyNot.push(`compiled loops: ${loops.reason}`);
  const kernels = [...blasKernelNames.filter((k) => !dnnlKernelNames.includes(k)), ...dnnlKernelNames, ...loopKernelNames];
  if (kernels.length === 0) {
    status = off(whyNot.join('; '));
    return status;
  }
  const blasPart = 'sgemm' in library ? { name: library.name, kernels: blasKernelNames.filter((k) => !dnnlKernelNames.includes(k)) } : null;
  const dnnlPart = 'forward' in dnnl ? { name: dnnl.name, kernels: dnnlKernelNames } : null;
  const loopsPart = 'adamStep' in loops ? { name: 'compiled loops', kernels: loopKernelNames } : null;
  status = {
    active: true,
    library: 'sgemm' in library ? library.name : null,
    convolutions: 'forward' in dnnl ? dnnl.name : null,
    path: 'sgemm' in library ? library.path : 'forward' in dnnl ? dnnl.path : null,
    reason: describe([blasPart, dnnlPart, loopsPart], whyNot),
    kernels,
    threads: ('sgemm' in library ? library.getThreads?.() : undefined) ?? null,
    loops: 'adamStep' in loops ? 'compiled loops' : null,
  };
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

/** The compiled fused loops while the kernels are enabled (APGD's step and FAB's projection run on them); null otherwise. */
export function compiledLoops(): LoopsLibrary | null {
  return status.active && status.loops !== null ? loadedLoops ?? null : null;
}

/** The current state, without changing anything. */
export function blasStatus(): BlasStatus {
  return status;
}

/** Sets the thread count of OpenBLAS and of oneDNN's OpenMP pool; false when neither is loaded with such a call. */
export function setBlasThreads(count: number): boolean {
  if (!Number.isInteger(count) || count < 1) throw new Error(`setBlasThreads: count must be a positive integer, got ${count}`);
  loadedDnnl?.setThreads?.(count);
  if (!loaded?.setThreads) return loadedDnnl?.setThreads !== undefined;
  loaded.setThreads(count);
  if (status.active) status = { ...status, threads: loaded.getThreads?.() ?? count };
  return true;
}
