import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { Bounds } from './bounds.js';
import { AttackConfigError, AttackInputError } from './errors.js';

/** Labels or targets: one integer class per example. */
export type LabelInput = ArrayLike<number> | tf.Tensor1D;

/** ε values must be finite and ≥ 0; at least one. */
export function validateEpsilons(epsilons: readonly number[]): number[] {
  if (!Array.isArray(epsilons) || epsilons.length === 0)
    throw new AttackConfigError('epsilons must be a non-empty list');
  for (const e of epsilons) {
    if (typeof e !== 'number' || !Number.isFinite(e) || e < 0) {
      throw new AttackConfigError(`every ε must be a finite number ≥ 0, got ${String(e)}`);
    }
  }
  return [...epsilons];
}

/** Bounds must be finite with low < high, or null. */
export function validateBounds(bounds: Bounds): Bounds {
  if (bounds === null) return null;
  const [low, high] = bounds;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new AttackConfigError(`bounds must be finite with low < high, got [${low}, ${high}]`);
  }
  return [low, high];
}

/** The values of scalar tensors made by `make` (disposed). */
function readScalars(make: () => tf.Tensor[]): number[] {
  return tf.tidy(make).map((t) => {
    const value = t.dataSync()[0]!;
    t.dispose();
    return value;
  });
}

/** x must be [N, ...inputShape] float32, finite, and inside the bounds. */
export function validateInputs(model: Classifier, x: tf.Tensor, bounds: Bounds): void {
  const expected = [x.shape[0], ...model.inputShape];
  if (x.rank !== expected.length || x.shape.some((d, i) => i > 0 && d !== expected[i])) {
    throw new AttackInputError(
      `x has shape [${x.shape.join(', ')}] but the model expects [N, ${model.inputShape.join(', ')}]`,
    );
  }
  if (x.shape[0] === 0) throw new AttackInputError('x holds no examples');
  if (x.dtype !== 'float32') throw new AttackInputError(`x must be float32, got ${x.dtype}`);
  const [total, low, high] = readScalars(() => [tf.sum(x), tf.min(x), tf.max(x)]) as [number, number, number];
  // A finite sum means every value is finite (NaN and ±∞ propagate); only then is the count skipped.
  if (!Number.isFinite(total)) {
    const [nonFinite] = readScalars(() => [tf.sum(tf.cast(tf.logicalNot(tf.isFinite(x)), 'int32'))]);
    if (nonFinite! > 0) throw new AttackInputError(`x contains ${nonFinite} NaN or infinite value(s)`);
  }
  // float32 rounding of data scaled into [0, 1] may overshoot by an ulp.
  const slack = 1e-6;
  if (bounds !== null && (low < bounds[0] - slack || high > bounds[1] + slack)) {
    throw new AttackInputError(
      `x has values in [${low}, ${high}], outside the bounds [${bounds[0]}, ${bounds[1]}]`,
    );
  }
}

/** Labels as Int32Array: one integer in [0, numClasses) per example. */
export function validateLabels(
  labels: LabelInput,
  count: number,
  numClasses: number,
  what = 'labels',
): Int32Array {
  const values = labels instanceof tf.Tensor ? labels.dataSync() : labels;
  if (values.length !== count)
    throw new AttackInputError(`${what} has ${values.length} entries but x has ${count} examples`);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new AttackInputError(`${what}[${i}] = ${v} is not a class index in [0, ${numClasses})`);
    }
    out[i] = v;
  }
  return out;
}
