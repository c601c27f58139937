import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { nativeLoops } from '../native-loops.js';
import { heapOffset, isWasmHeapBackend } from './wasm-heap-backend.js';
import { restoreKernel, wrapKernel } from './wrap-kernel.js';

/**
 * Sign as one branch-free pass over the wasm heap (compiled where @liftguard/tensor-blas' loops
 * run, else JavaScript). wasm's own Sign branches on every
 * value, ~7 ns a value on gradients (whose signs are random) — 30× its Multiply; the L∞ step of
 * PGD/FGSM takes one sign of the whole input per step (5 ms of a 29 ms CNNLight step on 1,000
 * images). Same values as the cpu backend: ±1, and 0 for ±0 and NaN.
 */
function heapSign(original: Parameters<Parameters<typeof wrapKernel>[2]>[0]): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const backend = args.backend;
    if (x.dtype !== 'float32' || !isWasmHeapBackend(backend)) return original.kernelFunc(args);
    const out = backend.makeOutput([...x.shape], 'float32');
    const size = x.shape.reduce((p, d) => p * d, 1);
    // Views only after the last allocation: the heap's buffer is replaced when it grows.
    const heap = backend.wasm.HEAPU8.buffer;
    const input = new Float32Array(heap, heapOffset(backend, x), size);
    const output = new Float32Array(heap, heapOffset(backend, out), size);
    // The compiled loop where @liftguard/tensor-blas' loops run (the same values, vectorized).
    const compiled = nativeLoops()?.sign;
    if (compiled !== undefined) {
      compiled(size, input, output);
      return out;
    }
    // Branch-free: gradient signs are random, and a mispredicted branch per value costs 4×.
    for (let i = 0; i < size; i++) {
      const v = input[i]!;
      output[i] = Number(v > 0) - Number(v < 0);
    }
    return out;
  };
}

/** Wraps the backend's Sign; false when it has none. */
export const installHeapSign = (backendName: string): boolean => wrapKernel('Sign', backendName, heapSign);

export const uninstallHeapSign = (backendName: string): boolean => restoreKernel('Sign', backendName);
