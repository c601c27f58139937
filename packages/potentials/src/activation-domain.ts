import * as tf from '@tensorflow/tfjs-core';

/**
 * The convex set D an activity lives in; its Euclidean projection P_D is the activation
 * function f of the layer (ReLU for z ≥ 0, identity for all of ℝⁿ, clipped ReLU for [0, h]).
 */
export interface ActivationDomain {
  readonly name: string;
  /** P_D(x), elementwise; differentiable through tfjs autograd. */
  project(x: tf.Tensor2D): tf.Tensor2D;
}

/** z ≥ 0: f = ReLU. */
export const nonNegative: ActivationDomain = {
  name: 'relu',
  project: (x) => tf.relu(x),
};

/** z ∈ ℝⁿ: f = identity (the output layer). */
export const unconstrained: ActivationDomain = {
  name: 'identity',
  project: (x) => x.clone(),
};

/** z ∈ [0, h]: f = clipped ReLU min(max(x, 0), h). */
export function boxDomain(ceiling: number): ActivationDomain {
  if (!(ceiling > 0) || !Number.isFinite(ceiling)) throw new Error(`clipped ReLU needs a finite ceiling > 0, got ${ceiling}`);
  return {
    name: `clipped-relu(${ceiling})`,
    project: (x) => tf.clipByValue(x, 0, ceiling),
  };
}
