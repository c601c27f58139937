import * as tf from '@tensorflow/tfjs-core';
import { checkActivities, resolveLayerWeights, type LayerWeights, type LiftedNetwork } from './lifted-network.js';

/**
 * Gradients of Σ_batch U^γ(z; x) with respect to every layer's parameters, at activities held
 * constant: for layer k, map_k's parameter gradients of γ_k ∂E_k/∂a_k. One record per layer,
 * keyed like `map.parameters()` (dense: `kernel` [in, out], `bias` [out]).
 */
export function parameterGradients(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  activities: readonly tf.Tensor2D[],
  weights: LayerWeights = 1,
): Record<string, tf.Tensor>[] {
  checkActivities(network, activities);
  const gamma = resolveLayerWeights(network, weights);
  return network.layers.map((layer, i) =>
    tf.tidy(() => {
      const previous = i === 0 ? input : activities[i - 1]!;
      const upstream = layer.potential.preActivationGradient(activities[i]!, layer.map.apply(previous));
      return layer.map.parameterGradients(previous, tf.mul(upstream, gamma[i]!));
    }),
  );
}
