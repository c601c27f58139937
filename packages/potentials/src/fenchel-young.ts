import * as tf from '@tensorflow/tfjs-core';
import { boxDomain, nonNegative, unconstrained, type ActivationDomain } from './activation-domain.js';
import type { ActivityProblem, LayerPotential } from './layer-potential.js';
import { minimizeIsotropicQuadratic } from './quadratic-activity-minimizer.js';

/**
 * Fenchel-Young potential E(z, a) = G(z) + G*(a) − ⟨z, a⟩ with G = ½‖·‖² + ι_D, which equals
 * ½‖z − a‖² − ½‖P_D(a) − a‖² on D: zero exactly at z = f(a) = P_D(a).
 */
export class FenchelYoungPotential implements LayerPotential {
  readonly name: string;
  readonly preActivationCurvature = 1;

  constructor(readonly domain: ActivationDomain) {
    this.name = `fenchel-young(${domain.name})`;
  }

  energy(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      const projected = this.domain.project(preActivations);
      // Elementwise difference first, so E is exactly 0 at the forward pass in float32.
      const perUnit = tf.sub(tf.squaredDifference(activities, preActivations), tf.squaredDifference(projected, preActivations));
      return tf.mul(tf.sum(perUnit, 1), 0.5) as tf.Tensor1D;
    });
  }

  activityGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(activities, preActivations);
  }

  preActivationGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => tf.sub(this.domain.project(preActivations), activities));
  }

  activate(preActivations: tf.Tensor2D): tf.Tensor2D {
    return this.domain.project(preActivations);
  }

  minimizeActivity(problem: ActivityProblem): tf.Tensor2D {
    return minimizeIsotropicQuadratic(this.domain, problem);
  }
}

/** FY potential of a ReLU layer. */
export function fenchelYoungRelu(): FenchelYoungPotential {
  return new FenchelYoungPotential(nonNegative);
}

/** FY potential of an identity (output) layer: ½‖z − a‖². */
export function fenchelYoungIdentity(): FenchelYoungPotential {
  return new FenchelYoungPotential(unconstrained);
}

/** FY potential of a clipped-ReLU layer with activities in [0, ceiling]. */
export function fenchelYoungClippedRelu(ceiling: number): FenchelYoungPotential {
  return new FenchelYoungPotential(boxDomain(ceiling));
}
