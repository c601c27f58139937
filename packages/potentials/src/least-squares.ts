import * as tf from '@tensorflow/tfjs-core';
import { nonNegative, unconstrained, type ActivationDomain } from './activation-domain.js';
import type { ActivityProblem, LayerPotential } from './layer-potential.js';
import { minimizeIsotropicQuadratic } from './quadratic-activity-minimizer.js';

/**
 * Least-squares potential E(z, a) = ½‖z − a‖² with z ∈ D. Unlike Fenchel-Young, the joint
 * minimizer over all layers is not the forward pass: the free state must be solved for.
 */
export class LeastSquaresPotential implements LayerPotential {
  readonly name: string;
  readonly preActivationCurvature = 1;

  constructor(readonly domain: ActivationDomain) {
    this.name = `least-squares(${domain.name})`;
  }

  energy(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => tf.mul(tf.sum(tf.squaredDifference(activities, preActivations), 1), 0.5) as tf.Tensor1D);
  }

  activityGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(activities, preActivations);
  }

  preActivationGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D {
    return tf.sub(preActivations, activities);
  }

  activate(preActivations: tf.Tensor2D): tf.Tensor2D {
    return this.domain.project(preActivations);
  }

  minimizeActivity(problem: ActivityProblem): tf.Tensor2D {
    return minimizeIsotropicQuadratic(this.domain, problem);
  }
}

/** LS potential of a ReLU layer (z ≥ 0). */
export function leastSquaresRelu(): LeastSquaresPotential {
  return new LeastSquaresPotential(nonNegative);
}

/** LS potential of an identity layer (equal to the FY identity potential). */
export function leastSquaresIdentity(): LeastSquaresPotential {
  return new LeastSquaresPotential(unconstrained);
}
