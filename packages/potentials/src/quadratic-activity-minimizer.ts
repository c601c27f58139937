import * as tf from '@tensorflow/tfjs-core';
import type { ActivationDomain } from './activation-domain.js';
import type { ActivityProblem } from './layer-potential.js';

/**
 * Closed-form minimizer for potentials whose z-part is ½‖z‖² − ⟨z, a⟩ + ι_D(z) (Fenchel-Young
 * and least squares): the subproblem is an isotropic quadratic, so projecting its
 * unconstrained minimizer (w·a − l + μ·c)/(w + μ) onto the box D is exact.
 */
export function minimizeIsotropicQuadratic(domain: ActivationDomain, problem: ActivityProblem): tf.Tensor2D {
  const { preActivation, weight } = problem;
  const proximal = problem.proximal ?? 0;
  const total = weight + proximal;
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new Error(`activity subproblem is not strictly convex: weight + proximal = ${total} (weight ${weight}, proximal ${proximal})`);
  }
  return tf.tidy(() => {
    // Multiplications by 1 are skipped: per-op overhead dominates small batches.
    let numerator: tf.Tensor2D = weight === 1 ? preActivation : tf.mul(preActivation, weight);
    if (problem.linear !== undefined) numerator = tf.sub(numerator, problem.linear);
    if (proximal !== 0 && problem.center !== undefined) numerator = tf.add(numerator, tf.mul(problem.center, proximal));
    return domain.project(total === 1 ? numerator : tf.div(numerator, total));
  });
}
