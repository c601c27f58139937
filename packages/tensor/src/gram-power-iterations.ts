import * as tf from '@tensorflow/tfjs-core';

// The one-kernel form @liftguard/tensor-blas registers on wasm when its compiled loops load.
const kernelName = 'LiftGuardGramPowerIterations';

/**
 * `iterations` power iterations on K Kᵀ for a dense kernel K [in, out] from `start` [1, in],
 * as one compiled kernel: the last unit vector [1, in] and σ̂² = ‖K Kᵀ v‖ for the unit v before
 * it. Null when the active backend has no such kernel (callers keep their tensor loop), or for
 * other dtypes. Values agree with the tensor loop to float rounding, not bit for bit.
 */
export function gramPowerIterations(kernel: tf.Tensor2D, start: tf.Tensor2D, iterations: number): { vector: tf.Tensor2D; squared: tf.Scalar } | null {
  if (tf.getKernel(kernelName, tf.getBackend()) === undefined || kernel.dtype !== 'float32' || start.dtype !== 'float32') return null;
  const [vector, squared] = tf.engine().runKernel(kernelName, { kernel, start }, { iterations }) as [tf.Tensor2D, tf.Scalar];
  return { vector: vector!, squared: squared! };
}
