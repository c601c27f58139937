import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** What one evaluation of APGD's objective at a batch of points gives. */
export interface LossAndGradient {
  /** Input gradient of the loss, averaged over the passes (caller owns). */
  grad: tf.Tensor;
  /** Per example: the loss averaged over the passes. */
  loss: Float32Array;
  /** Per example: the predicted class of the last pass (as the reference code). */
  predicted: Int32Array;
}

/**
 * Loss, prediction and input gradient at z from `samples` forward and backward passes
 * (expectation over transformation, Athalye et al. 2018): a randomized model draws fresh noise
 * in every `predict`, so the mean gradient estimates the gradient of the expected loss.
 * `seed` is [N, C + 1] with ones in column 0: it back-propagates the loss column only.
 */
export function eotLossAndGradient(
  model: Classifier,
  objective: (logits: tf.Tensor2D) => tf.Tensor1D,
  z: tf.Tensor,
  seed: tf.Tensor,
  samples = 1,
): LossAndGradient {
  const classes = model.numClasses;
  const n = z.shape[0]!;
  const loss = new Float32Array(n);
  const predicted = new Int32Array(n);
  // Loss and logits side by side, so one pass gives both.
  const lossAndLogits = tf.valueAndGrad((point: tf.Tensor) => {
    const logits = model.predict(point);
    return tf.concat([tf.expandDims(objective(logits), 1), logits], 1);
  });
  let grad: tf.Tensor | null = null;
  for (let sample = 0; sample < samples; sample++) {
    const { value, grad: g } = tf.tidy(() => lossAndLogits(z, seed));
    const values = value.dataSync();
    value.dispose();
    if (grad === null) grad = g;
    else {
      const sum: tf.Tensor = tf.add(grad, g);
      tf.dispose([grad, g]);
      grad = sum;
    }
    for (let i = 0, at = 0; i < n; i++, at += classes + 1) {
      loss[i] = loss[i]! + values[at]!;
      let best = 0;
      for (let c = 1; c < classes; c++) if (values[at + 1 + c]! > values[at + 1 + best]!) best = c;
      predicted[i] = best;
    }
  }
  if (samples > 1) {
    for (let i = 0; i < n; i++) loss[i] = loss[i]! / samples;
    const mean = tf.div(grad!, samples);
    grad!.dispose();
    grad = mean;
  }
  return { grad: grad!, loss, predicted };
}
