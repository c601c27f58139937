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
 * `seed` is ones [N]: each example's loss back-propagates to its own row.
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
  let logits: tf.Tensor | null = null;
  // The logits are kept out of the pass (tf.keep) to read the prediction without a second forward.
  const lossOf = tf.valueAndGrad((point: tf.Tensor) => {
    const out = model.predict(point);
    logits = tf.keep(out);
    return objective(out);
  });
  let grad: tf.Tensor | null = null;
  for (let sample = 0; sample < samples; sample++) {
    const { value, grad: g } = tf.tidy(() => lossOf(z, seed as tf.Tensor1D));
    const values = value.dataSync();
    const scores = logits!.dataSync();
    tf.dispose([value, logits!]);
    if (grad === null) grad = g;
    else {
      const sum: tf.Tensor = tf.add(grad, g);
      tf.dispose([grad, g]);
      grad = sum;
    }
    for (let i = 0, at = 0; i < n; i++, at += classes) {
      loss[i] = loss[i]! + values[i]!;
      let best = 0;
      for (let c = 1; c < classes; c++) if (scores[at + c]! > scores[at + best]!) best = c;
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
