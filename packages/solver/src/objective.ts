import * as tf from '@tensorflow/tfjs-core';
import type { OutputTargets, SweepState } from './block-updates.js';
import type { OutputLoss } from './output-loss.js';
import type { StateCoefficients } from './state-coefficients.js';

/** The batch sums of the terms of Ψ, combined in JavaScript (float64) from one read. */
export interface ObjectiveTerms {
  /** Σ_batch E_k for k = 1..L (unweighted). */
  energies: tf.Tensor[];
  /** Σ_batch ℓ(z_L, t) and Σ_batch ℓ(z_L, y), when their coefficient is nonzero. */
  plusLoss?: tf.Tensor;
  minusLoss?: tf.Tensor;
}

/** The scalar tensors whose weighted sum is Σ_batch Ψ; cached pre-activations are used. */
export function objectiveTerms(state: SweepState, coefficients: StateCoefficients, targets: OutputTargets, loss: OutputLoss): ObjectiveTerms {
  const { network, activities: z, preActivations: a } = state;
  const L = network.layers.length;
  const terms: ObjectiveTerms = {
    energies: network.layers.map((layer, i) => tf.sum(layer.potential.energy(z[i + 1]!, a[i + 1]!))),
  };
  if (coefficients.plus !== 0) terms.plusLoss = tf.sum(loss.value(z[L]!, targets.plus!));
  if (coefficients.minus !== 0) terms.minusLoss = tf.sum(loss.value(z[L]!, targets.minus!));
  return terms;
}
