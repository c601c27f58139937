import * as tf from '@tensorflow/tfjs-core';
import { checkActivities, resolveLayerWeights, type LayerWeights, type LiftedNetwork } from './lifted-network.js';

/**
 * ∂U^γ/∂z_k for k = 1..L, each [B, n_k]:
 * γ_k ∂E_k/∂z_k + γ_{k+1} map_{k+1}ᵀ(∂E_{k+1}/∂a_{k+1}). Only the smooth part: at activities
 * on the boundary of a domain (e.g. z = 0 for ReLU) the KKT conditions apply instead.
 */
export function activityGradients(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  activities: readonly tf.Tensor2D[],
  weights: LayerWeights = 1,
): tf.Tensor2D[] {
  checkActivities(network, activities);
  const gamma = resolveLayerWeights(network, weights);
  const layers = network.layers;
  return tf.tidy(() => {
    const pre = layers.map((layer, i) => layer.map.apply(i === 0 ? input : activities[i - 1]!));
    return layers.map((layer, i) => {
      let gradient = tf.mul(layer.potential.activityGradient(activities[i]!, pre[i]!), gamma[i]!);
      const above = layers[i + 1];
      if (above !== undefined) {
        const upstream = above.potential.preActivationGradient(activities[i + 1]!, pre[i + 1]!);
        gradient = tf.add(gradient, tf.mul(above.map.adjoint(upstream), gamma[i + 1]!));
      }
      return gradient as tf.Tensor2D;
    });
  });
}
