import {
  getKernel,
  registerKernel,
  unregisterKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { requiredKernel } from './required-kernel.js';

const wrappedMarker = Symbol('liftguard.transposeFreeMatMul');
const originals = new Map<string, KernelConfig>();

/** Matrix-multiply kernels whose transpose flags we replace by an explicit transpose. */
export const transposeFreeMatMulKernels = ['BatchMatMul', '_FusedMatMul'] as const;

function transposeLastTwo(backend: KernelBackend, backendName: string, x: TensorInfo): TensorInfo {
  const transpose = requiredKernel('Transpose', backendName);
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

function wrap(original: KernelConfig): KernelFunc {
  const { backendName } = original;
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean } | undefined;
    if (!attrs?.transposeA && !attrs?.transposeB) return original.kernelFunc(args);
    const backend = args.backend as KernelBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const temporaries: TensorInfo[] = [];
    const plainA = attrs.transposeA ? transposeLastTwo(backend, backendName, a) : a;
    const plainB = attrs.transposeB ? transposeLastTwo(backend, backendName, b) : b;
    if (plainA !== a) temporaries.push(plainA);
    if (plainB !== b) temporaries.push(plainB);
    try {
      return original.kernelFunc({
        ...args,
        inputs: { ...args.inputs, a: plainA, b: plainB },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[wrappedMarker] = true;
  return kernelFunc;
}

/**
 * Makes matMul with transpose flags run as an explicit transpose plus a plain matMul.
 * The wasm kernel's transposed paths are an order of magnitude slower than its plain
 * path, and autograd's matMul gradient always uses them. Returns the kernels it wrapped.
 */
export function installTransposeFreeMatMul(backendName: string): string[] {
  const wrapped: string[] = [];
  for (const kernelName of transposeFreeMatMulKernels) {
    const original = getKernel(kernelName, backendName);
    if (original == null) continue;
    if ((original.kernelFunc as unknown as Record<symbol, boolean>)[wrappedMarker]) {
      wrapped.push(kernelName);
      continue;
    }
    unregisterKernel(kernelName, backendName);
    registerKernel({ ...original, kernelFunc: wrap(original) });
    originals.set(`${backendName}/${kernelName}`, original);
    wrapped.push(kernelName);
  }
  return wrapped;
}

/** Puts the backend's own matMul kernels back (for comparisons); returns what it restored. */
export function uninstallTransposeFreeMatMul(backendName: string): string[] {
  const restored: string[] = [];
  for (const kernelName of transposeFreeMatMulKernels) {
    const original = originals.get(`${backendName}/${kernelName}`);
    if (original == null) continue;
    unregisterKernel(kernelName, backendName);
    registerKernel(original);
    originals.delete(`${backendName}/${kernelName}`);
    restored.push(kernelName);
  }
  return restored;
}
