import * as tf from '@tensorflow/tfjs-core';
import { linfProjectedStep } from '@liftguard/tensor';
import type { NormStrategy } from './norm-strategy.js';
import { asRows } from './rows.js';

/** L∞: uniform start in the box, sign of the gradient, coordinate-wise clipping. */
export const linfNorm: NormStrategy = {
  name: 'linf',
  label: 'L∞',
  description: 'largest change of any one input value',
  defaultEpsilons: [0.05, 0.1, 0.2, 0.3],
  randomStart: (shape, epsilon, random) => random.uniformTensor([...shape], -epsilon, epsilon),
  normalizeGradient: (gradient) => tf.sign(gradient),
  project: (delta, epsilon) => tf.clipByValue(delta, -epsilon, epsilon),
  norms: (delta) => tf.tidy(() => tf.max(tf.abs(asRows(delta)), 1) as tf.Tensor1D),
  // One compiled kernel where @liftguard/tensor-blas' loops run: seven passes over the input become one.
  projectedStep: linfProjectedStep,
};
