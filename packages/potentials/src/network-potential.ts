import * as tf from '@tensorflow/tfjs-core';
import { checkActivities, resolveLayerWeights, type LayerWeights, type LiftedNetwork } from './lifted-network.js';

/**
 * E_k(z_k, a_k) per example for k = 1..L, each [B]. `preActivations` (a_k = map_k(z_{k−1}), e.g.
 * from the solver) skip the maps' products, but then no θ-gradient flows through a_k.
 */
export function layerEnergies(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  activities: readonly tf.Tensor2D[],
  preActivations?: readonly tf.Tensor2D[],
): tf.Tensor1D[] {
  checkActivities(network, activities);
  if (preActivations !== undefined) checkActivities(network, preActivations);
  return network.layers.map((layer, i) =>
    tf.tidy(() => layer.potential.energy(activities[i]!, preActivations?.[i] ?? layer.map.apply(i === 0 ? input : activities[i - 1]!))),
  );
}

/**
 * The reweighted network potential U^γ(z; x) = Σ_k γ_k E_k per example, [B]. Differentiable
 * through tfjs autograd in the parameters (hold the activities constant for §3.2 losses) unless
 * `preActivations` are given (see `layerEnergies`).
 */
export function reweightedPotential(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  activities: readonly tf.Tensor2D[],
  weights: LayerWeights = 1,
  preActivations?: readonly tf.Tensor2D[],
): tf.Tensor1D {
  const gamma = resolveLayerWeights(network, weights);
  return tf.tidy(() => {
    const energies = layerEnergies(network, input, activities, preActivations);
    return energies.reduce((sum, e, i) => tf.add(sum, tf.mul(e, gamma[i]!)), tf.zerosLike(energies[0]!)) as tf.Tensor1D;
  });
}
