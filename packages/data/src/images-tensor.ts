import * as tf from '@tensorflow/tfjs-core';
import { valuesPerImage, type ImageSet } from './image-set.js';

/**
 * Images `start .. start + count` of a set as one tensor `[count, ...inputShape]` (caller
 * disposes); `inputShape` must hold exactly one image's values (e.g. [784] or [28, 28, 1]).
 */
export function imagesTensor(set: ImageSet, inputShape: readonly number[], count = set.count, start = 0): tf.Tensor {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > set.count) {
    throw new RangeError(`images ${start}..${start + count} are outside the set of ${set.count}`);
  }
  const size = valuesPerImage(set);
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  if (inputSize !== size) throw new RangeError(`an input of shape [${inputShape.join(', ')}] holds ${inputSize} values but each image has ${size}`);
  return tf.tensor(set.images.subarray(start * size, (start + count) * size), [count, ...inputShape], 'float32');
}
