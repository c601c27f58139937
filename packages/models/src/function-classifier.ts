import type * as tf from '@tensorflow/tfjs-core';
import { assertInputShape, type Classifier } from '@liftguard/tensor';
import { withInputSpace, type InputSpace } from './input-space.js';

export interface FunctionClassifierOptions extends InputSpace {
  /** Per-example input shape, e.g. [224, 224, 3]. */
  inputShape: readonly number[];
  numClasses: number;
  /** Variables a trainer or repair may change (default none: attacks and evaluation only). */
  trainableVariables?: readonly tf.Variable[];
}

/**
 * The simplest way in: any differentiable function from a batch to logits [batch, classes].
 * It must return logits (not probabilities) and leave no other tensors alive.
 */
export function functionClassifier(logits: (x: tf.Tensor) => tf.Tensor2D, options: FunctionClassifierOptions): Classifier {
  const { inputShape, numClasses, trainableVariables = [], ...space } = options;
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) throw new Error(`inputShape must be positive integers, got [${inputShape.join(', ')}]`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses must be an integer ≥ 2, got ${numClasses}`);
  const predict = (x: tf.Tensor) => {
    assertInputShape(x, inputShape);
    return logits(x);
  };
  return withInputSpace({ inputShape: [...inputShape], numClasses, trainableVariables: [...trainableVariables], predict }, space);
}
