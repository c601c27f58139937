import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** Softmax of the model's logits for one image given as flat pixels. */
export function classProbabilities(model: Classifier, pixels: Float32Array): Float32Array {
  return tf.tidy(() => tf.softmax(model.predict(tf.tensor(pixels, [1, ...model.inputShape]))).dataSync() as Float32Array);
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
