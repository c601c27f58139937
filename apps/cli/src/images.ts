import * as tf from '@tensorflow/tfjs-core';
import type { ImageSet } from '@liftguard/data';

/** Images start..start+count of a set as one tensor [count, ...inputShape] (caller disposes). */
export function imageTensor(set: ImageSet, inputShape: readonly number[], count = set.count, start = 0): tf.Tensor {
  if (start < 0 || start + count > set.count) throw new Error(`images ${start}..${start + count} are outside the set of ${set.count}`);
  const size = set.height * set.width;
  return tf.tensor(set.images.subarray(start * size, (start + count) * size), [count, ...inputShape], 'float32');
}
