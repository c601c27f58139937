import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { AttackInputError } from './errors.js';

/** What attacks need from the unattacked inputs. */
export interface CleanPass {
  predictions: Int32Array;
  leastLikely: Int32Array;
  /** Every row looks like a probability vector (all in [0, 1], sums to 1). */
  looksLikeProbabilities: boolean;
}

// A row of logits summing to 1 within this is treated as a softmax output.
const rowSumTolerance = 1e-4;

/** Clean predictions in batches, and the check for probability outputs. */
export function cleanPass(model: Classifier, x: tf.Tensor, batchSize: number): CleanPass {
  const n = x.shape[0]!;
  const predictions = new Int32Array(n);
  const leastLikely = new Int32Array(n);
  let probabilityRows = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [best, worst, rowIsProbability] = tf.tidy(() => {
      const logits = model.predict(tf.slice(x, start, size));
      if (logits.rank !== 2 || logits.shape[1] !== model.numClasses || logits.shape[0] !== size) {
        throw new AttackInputError(
          `predict returned shape [${logits.shape.join(', ')}], expected [${size}, ${model.numClasses}]`,
        );
      }
      const inUnit = tf.logicalAnd(
        tf.greaterEqual(tf.min(logits, 1), -1e-6),
        tf.lessEqual(tf.max(logits, 1), 1 + 1e-6),
      );
      const sumsToOne = tf.lessEqual(tf.abs(tf.sub(tf.sum(logits, 1), 1)), rowSumTolerance);
      return [tf.argMax(logits, 1), tf.argMin(logits, 1), tf.logicalAnd(inUnit, sumsToOne)];
    });
    predictions.set(best.dataSync(), start);
    leastLikely.set(worst.dataSync(), start);
    for (const flag of rowIsProbability.dataSync()) probabilityRows += Number(flag);
    tf.dispose([best, worst, rowIsProbability]);
  }
  return { predictions, leastLikely, looksLikeProbabilities: probabilityRows === n };
}
