import * as tf from '@tensorflow/tfjs-core';

// The one-kernel form @liftguard/tensor-blas registers on wasm when its compiled loops load.
const kernelName = 'LiftGuardMaxAbsDifferences';

/**
 * max |a − b| of each pair (two tensors of one shape), read in one go: one kernel where the
 * active backend has the compiled form, else Sub, Abs and Max per pair. NaN when a difference is.
 */
export function maxAbsDifferences(pairs: readonly (readonly [tf.Tensor, tf.Tensor])[]): Float32Array {
  for (const [i, [a, b]] of pairs.entries()) {
    if (a.shape.join() !== b.shape.join()) throw new Error(`maxAbsDifferences: pair ${i} has shapes [${a.shape}] and [${b.shape}]`);
    if (a.size === 0) throw new Error(`maxAbsDifferences: pair ${i} is empty`);
  }
  if (pairs.length === 0) return new Float32Array(0);
  const compiled = tf.getKernel(kernelName, tf.getBackend()) !== undefined && pairs.every(([a, b]) => a.dtype === 'float32' && b.dtype === 'float32');
  if (compiled) {
    const inputs = Object.fromEntries(pairs.flatMap(([a, b], i) => [[`a${i}`, a], [`b${i}`, b]]));
    const out = tf.engine().runKernel(kernelName, inputs) as tf.Tensor;
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values;
  }
  return tf.tidy(() => tf.stack(pairs.map(([a, b]) => tf.max(tf.abs(tf.sub(a, b))))).dataSync() as Float32Array);
}
