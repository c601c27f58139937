import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoopsLibrary } from './loops-library.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

/** The kernel's name: @liftguard/tensor's `maxAbsDifferences` runs it when the active backend has it. */
export const maxAbsDifferencesKernelName = 'LiftGuardMaxAbsDifferences';

/**
 * max |a_i − b_i| of each pair of inputs a0, b0, a1, b1, … (float32, one shape per pair, not
 * empty) as one float32 output [pairs]: a solver's per-round changes are three kernels per layer
 * and a stack in tensor form.
 */
export function maxAbsDifferencesKernel(loops: LoopsLibrary): KernelFunc {
  return ({ inputs, backend }) => {
    if (!isWasmBackend(backend)) throw new Error(`${maxAbsDifferencesKernelName} runs on the wasm backend only`);
    const named = inputs as Record<string, TensorInfo>;
    const count = Object.keys(named).length / 2;
    const pairs = Array.from({ length: count }, (_, i) => [named[`a${i}`], named[`b${i}`]] as const);
    for (const [i, [a, b]] of pairs.entries()) {
      if (a === undefined || b === undefined) throw new Error(`${maxAbsDifferencesKernelName}: inputs must be a0, b0, a1, b1, …; a${i} or b${i} is missing`);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.join() !== b.shape.join() || a.shape.includes(0)) {
        throw new Error(`${maxAbsDifferencesKernelName}: a${i} and b${i} must be non-empty float32 tensors of one shape`);
      }
    }
    const output = backend.makeOutput([count], 'float32');
    // Views after the last allocation: the heap's buffer is replaced when it grows.
    const out = heapView(backend, output);
    pairs.forEach(([a, b], i) => {
      const left = heapView(backend, a!);
      out[i] = loops.maxAbsDifference(left.length, left, heapView(backend, b!));
    });
    return output;
  };
}
