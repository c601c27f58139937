import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { eotLossAndGradient } from './eot-gradient.js';
import { packRows, unpackRows } from './flat-threat-model.js';

/** The objective's loss and the prediction per evaluated row (indexed like the rows given). */
export interface ActiveEvaluation {
  loss: Float32Array;
  predicted: Int32Array;
}

/**
 * Evaluates the objective at the given rows of a flat batch of points (shaped like `like`),
 * writing their input gradients into their rows of `grad`: the model only sees the rows still
 * attacked.
 */
export function activeEvaluator(
  model: Classifier,
  objective: (logits: tf.Tensor2D, rows: tf.Tensor1D | null) => tf.Tensor1D,
  like: tf.Tensor,
  grad: Float32Array,
  samples: number,
): (point: Float32Array, active: Int32Array) => ActiveEvaluation {
  const n = like.shape[0]!;
  const w = like.size / Math.max(n, 1);
  const packed = new Float32Array(n * w);
  return (point, active) => {
    const m = active.length;
    const all = m === n;
    if (!all) packRows(active, point, packed, w);
    // The arrays are returned outside tidy, which would walk them element by element.
    let result: ActiveEvaluation | undefined;
    tf.tidy(() => {
      const z = tf.tensor(all ? point : packed.subarray(0, m * w), [m, ...like.shape.slice(1)], 'float32');
      const rows = all ? null : tf.tensor1d(active, 'int32');
      const seed = tf.ones([m]);
      const evaluated = eotLossAndGradient(model, (logits) => objective(logits, rows), z, seed, samples);
      unpackRows(active, evaluated.grad.dataSync() as Float32Array, grad, w);
      result = { loss: evaluated.loss, predicted: evaluated.predicted };
    });
    return result!;
  };
}
