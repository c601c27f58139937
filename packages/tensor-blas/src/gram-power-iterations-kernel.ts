import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoopsLibrary } from './loops-library.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

/** The kernel's name: @liftguard/tensor's `gramPowerIterations` runs it when the active backend has it. */
export const gramPowerIterationsKernelName = 'LiftGuardGramPowerIterations';

/**
 * Power iterations on K Kᵀ of a dense kernel K [in, out] from `start` [1, in] (attr
 * `iterations` ≥ 1) as one kernel; outputs the last unit vector [1, in] and σ̂² []. A spectral-norm
 * estimate is a dozen kernels per iteration in tensor form, run for every layer of every solve.
 */
export function gramPowerIterationsKernel(loops: LoopsLibrary): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    if (!isWasmBackend(backend)) throw new Error(`${gramPowerIterationsKernelName} runs on the wasm backend only`);
    const { kernel, start } = inputs as Record<'kernel' | 'start', TensorInfo>;
    const iterations = (attrs as { iterations?: number } | undefined)?.iterations;
    if (kernel.dtype !== 'float32' || start.dtype !== 'float32' || kernel.shape.length !== 2 || start.shape.join() !== `1,${kernel.shape[0]}`) {
      throw new Error(`${gramPowerIterationsKernelName}: kernel must be float32 [in, out] and start float32 [1, in], got [${kernel.shape}] and [${start.shape}]`);
    }
    if (!Number.isInteger(iterations) || iterations! < 1) throw new Error(`${gramPowerIterationsKernelName}: iterations must be an integer ≥ 1, got ${iterations}`);
    const [rows, cols] = kernel.shape as [number, number];
    const vector = backend.makeOutput([1, rows], 'float32');
    const squared = backend.makeOutput([], 'float32');
    // Views after the last allocation: the heap's buffer is replaced when it grows.
    const value = loops.gramPowerIterations(rows, cols, heapView(backend, kernel), heapView(backend, start), iterations!, heapView(backend, vector));
    if (value < 0) {
      backend.disposeData(vector.dataId);
      backend.disposeData(squared.dataId);
      throw new Error(`${gramPowerIterationsKernelName}: could not allocate ${cols} floats`);
    }
    heapView(backend, squared)[0] = value;
    return [vector, squared];
  };
}
