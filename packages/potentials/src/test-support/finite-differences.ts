import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences of a scalar function of one tensor, coordinate by coordinate
 * (float32: h ≈ 1e-2 keeps rounding error well below the tolerances used with it).
 */
export function finiteDifferenceGradient(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, h = 1e-2): Float32Array {
  const base = Float32Array.from(x.dataSync());
  const out = new Float32Array(base.length);
  const evaluate = (values: Float32Array) =>
    tf.tidy(() => f(tf.tensor(values, x.shape, 'float32')).dataSync()[0]!);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    const minus = base.slice();
    plus[i] = plus[i]! + h;
    minus[i] = minus[i]! - h;
    out[i] = (evaluate(plus) - evaluate(minus)) / (2 * h);
  }
  return out;
}

/** max |a − b| / max(1, max |b|): the error relative to the gradient's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return worst / scale;
}
