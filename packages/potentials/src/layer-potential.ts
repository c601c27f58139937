import type * as tf from '@tensorflow/tfjs-core';

/**
 * The per-layer subproblem the solver needs in closed form:
 * argmin_z  weight·E(z, a) + ⟨linear, z − center⟩ + (proximal/2)·‖z − center‖²
 * (`linear` and `center` default to zero; `weight + proximal` must be > 0).
 */
export interface ActivityProblem {
  preActivation: tf.Tensor2D;
  weight: number;
  linear?: tf.Tensor2D;
  proximal?: number;
  center?: tf.Tensor2D;
}

/**
 * A layer potential E(z, a) ≥ 0 between a layer's activities z [B, n] and its
 * pre-activations a = map(z_prev) [B, n]. Implement this to add a potential; the solver
 * uses nothing else. Every method returns a new tensor the caller owns, and is built from
 * tfjs ops, so values are differentiable by tfjs autograd.
 */
export interface LayerPotential {
  readonly name: string;
  /** E(z, a) per example, shape [B]; z is assumed feasible (inside the domain). */
  energy(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor1D;
  /** ∂E/∂z (the smooth part; the domain constraint is handled by `minimizeActivity`). */
  activityGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D;
  /** ∂E/∂a; the chain rule through the layer's linear map gives ∂E/∂z_prev and ∂E/∂θ. */
  preActivationGradient(activities: tf.Tensor2D, preActivations: tf.Tensor2D): tf.Tensor2D;
  /**
   * A Lipschitz constant of a ↦ ∂E/∂a (1 for Fenchel-Young and least squares); the solver's
   * majorization uses curvature·‖W‖₂² as the curvature of E with respect to z_prev.
   */
  readonly preActivationCurvature: number;
  /** argmin_z E(z, a): the forward activation, used to initialize states. */
  activate(preActivations: tf.Tensor2D): tf.Tensor2D;
  /** The exact minimizer of an `ActivityProblem`. */
  minimizeActivity(problem: ActivityProblem): tf.Tensor2D;
}
