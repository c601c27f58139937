import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoopsLibrary } from './loops-library.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

/** The kernel's name: @liftguard/tensor's `linfProjectedStep` runs it when the active backend has it. */
export const linfStepKernelName = 'LiftGuardLinfStep';

/** The step's scalars; `low` −∞ and `high` +∞ leave the values unclipped. */
export interface LinfStepAttrs {
  step: number;
  epsilon: number;
  low: number;
  high: number;
}

/**
 * One L∞ PGD step as one kernel: inputs current, gradient and x (float32, one shape); output
 * clip(x + clip(current + sign(gradient)·step − x, ±ε), low, high). In tensor form it is seven
 * kernels, each a pass over the whole input.
 */
export function linfStepKernel(loops: LoopsLibrary): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    if (!isWasmBackend(backend)) throw new Error(`${linfStepKernelName} runs on the wasm backend only`);
    const { current, gradient, x } = inputs as Record<'current' | 'gradient' | 'x', TensorInfo>;
    if ([current, gradient, x].some((t) => t.dtype !== 'float32' || t.shape.join() !== x.shape.join())) {
      throw new Error(`${linfStepKernelName}: current, gradient and x must be float32 of one shape`);
    }
    const { step, epsilon, low, high } = attrs as unknown as LinfStepAttrs;
    const out = backend.makeOutput([...x.shape], 'float32');
    // Views after the last allocation: the heap's buffer is replaced when it grows.
    const result = heapView(backend, out);
    const bounded = low > -Infinity || high < Infinity ? 1 : 0;
    loops.linfPgdStep(result.length, heapView(backend, current), heapView(backend, gradient), heapView(backend, x), step, epsilon, bounded, low, high, result);
    return out;
  };
}
