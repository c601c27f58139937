import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { LoopsLibrary } from './loops-library.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

/** The kernel's name: @liftguard/models' Adam runs it when the active backend has it. */
export const adamStepKernelName = 'LiftGuardAdamStep';

/** Adam's scalars for one step (see native/loops.c). */
export interface AdamStepAttrs {
  stepSize: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  inverseCorrection2: number;
  epsilon: number;
}

/**
 * One Adam step of one parameter tensor as one kernel: inputs variable, m, v, gradient
 * (float32, one shape); outputs the new variable, m and v. The tensor formulation is 13
 * kernels per parameter tensor, and a training step of a small model is dispatch-bound.
 */
export function adamStepKernel(loops: LoopsLibrary): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { variable, m, v, gradient } = inputs as Record<'variable' | 'm' | 'v' | 'gradient', TensorInfo>;
    if (!isWasmBackend(backend)) throw new Error(`${adamStepKernelName} runs on the wasm backend only`);
    const all = [variable, m, v, gradient];
    if (all.some((t) => t.dtype !== 'float32' || t.shape.join() !== variable.shape.join()))
      throw new Error(`${adamStepKernelName}: variable, m, v and gradient must be float32 of one shape`);
    const a = attrs as unknown as AdamStepAttrs;
    const outputs = [0, 1, 2].map(() => backend.makeOutput([...variable.shape], 'float32'));
    // Views after the last allocation: the heap's buffer is replaced when it grows.
    const [w, mo, vo] = outputs.map((o) => heapView(backend, o));
    const n = w!.length;
    loops.adamStep(n, heapView(backend, variable), heapView(backend, m), heapView(backend, v), heapView(backend, gradient), a.stepSize, a.oneMinusBeta1, a.oneMinusBeta2, a.inverseCorrection2, a.epsilon, w!, mo!, vo!);
    return outputs;
  };
}
