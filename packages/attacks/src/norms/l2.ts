import * as tf from '@tensorflow/tfjs-core';
import type { NormStrategy } from './norm-strategy.js';
import { asRows, exampleSize } from './rows.js';

// Guards the division for a zero gradient or a zero perturbation.
const tiny = 1e-12;

function rowNorms(t: tf.Tensor): tf.Tensor2D {
  return tf.sqrt(tf.sum(tf.square(asRows(t)), 1, true)) as tf.Tensor2D;
}

/** L2: uniform start in the ball, gradient over its norm, radial shrinking. */
export const l2Norm: NormStrategy = {
  name: 'l2',
  label: 'L2',
  description: 'Euclidean length of the perturbation',
  defaultEpsilons: [0.5, 1, 2],
  randomStart(shape, epsilon, random) {
    const n = shape[0] ?? 1;
    const d = exampleSize(shape);
    // Uniform in the ball: a uniform direction (normalized Gaussian) times ε·u^(1/d).
    const radii = Float32Array.from({ length: n }, () => epsilon * Math.pow(random.next(), 1 / d));
    return tf.tidy(() => {
      const g = random.normalTensor([n, d]);
      const unit = tf.div(g, tf.maximum(rowNorms(g), tiny));
      return tf.reshape(tf.mul(unit, tf.tensor2d(radii, [n, 1])), [...shape]);
    });
  },
  normalizeGradient: (gradient) =>
    tf.tidy(() =>
      tf.reshape(tf.div(asRows(gradient), tf.maximum(rowNorms(gradient), tiny)), gradient.shape),
    ),
  project: (delta, epsilon) =>
    tf.tidy(() => {
      const factor = tf.minimum(1, tf.div(epsilon, tf.maximum(rowNorms(delta), tiny)));
      return tf.reshape(tf.mul(asRows(delta), factor), delta.shape);
    }),
  norms: (delta) =>
    tf.tidy(() => tf.reshape(rowNorms(delta), [delta.shape[0] ?? 1]) as tf.Tensor1D),
};
