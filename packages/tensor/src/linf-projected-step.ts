import * as tf from '@tensorflow/tfjs-core';

// The one-kernel form @liftguard/tensor-blas registers on wasm when its compiled loops load.
const kernelName = 'LiftGuardLinfStep';

/**
 * One L∞ projected-gradient step as one compiled kernel: clip(x + clip(current +
 * sign(gradient)·step − x, −ε, ε), bounds), float32 operations in the order of that tensor
 * composition (equal bit for bit). Null where the active backend has no such kernel or the
 * tensors are not float32 of one shape: callers keep their tensor ops.
 */
export function linfProjectedStep(
  current: tf.Tensor,
  gradient: tf.Tensor,
  x: tf.Tensor,
  step: number,
  epsilon: number,
  bounds: readonly [number, number] | null,
): tf.Tensor | null {
  if (tf.getKernel(kernelName, tf.getBackend()) === undefined) return null;
  const fits = [current, gradient, x].every((t) => t.dtype === 'float32' && t.shape.join() === x.shape.join());
  if (!fits) return null;
  const [low, high] = bounds ?? [-Infinity, Infinity];
  return tf.engine().runKernel(kernelName, { current, gradient, x }, { step, epsilon, low, high }) as tf.Tensor;
}
