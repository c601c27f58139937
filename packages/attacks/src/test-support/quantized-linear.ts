import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { LinearClassifier } from './linear-classifier.js';

/**
 * A masked-gradient model: inputs are rounded to `levels` steps before a linear classifier.
 * Round's gradient is zero, so every gradient attack sees a flat loss; score-based attacks see
 * the (quantized) logits and still work.
 */
export class QuantizedLinear implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly trainableVariables: tf.Variable[] = [];

  constructor(
    private readonly linear: LinearClassifier,
    private readonly levels: number,
  ) {
    this.inputShape = linear.inputShape;
    this.numClasses = linear.numClasses;
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() =>
      this.linear.predict(tf.div(tf.round(tf.mul(x, this.levels)), this.levels)),
    );
  }

  /** The quantized input the linear part sees, in float64 JavaScript. */
  quantize(row: number[]): number[] {
    return row.map((v) => Math.round(v * this.levels) / this.levels);
  }
}
