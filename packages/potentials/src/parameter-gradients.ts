import * as tf from '@tensorflow/tfjs-core';
import { checkActivities, resolveLayerWeights, type LayerWeights, type LiftedNetwork } from './lifted-network.js';

/**
 * Gradients of Σ_batch U^γ(z; x) with respect to every layer's parameters, at activities held
 * constant: for layer k, map_k's parameter gradients of γ_k ∂E_k/∂a_k. One record per layer,
 * keyed like `map.parameters()` (dense: `kernel` [in, out], `bias` [out]). With `exampleWeights`
 * ([B]) the sum is the weighted Σ_b w_b U^γ_b. `preActivations` (a_k = map_k(z_{k−1}) at these
 * activities, e.g. from the solver) skip the maps' forward products.
 */
export function parameterGradients(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  activities: readonly tf.Tensor2D[],
  weights: LayerWeights = 1,
  exampleWeights?: tf.Tensor1D,
  preActivations?: readonly tf.Tensor2D[],
): Record<string, tf.Tensor>[] {
  checkActivities(network, activities);
  if (preActivations !== undefined) checkActivities(network, preActivations);
  if (exampleWeights !== undefined && (exampleWeights.rank !== 1 || exampleWeights.shape[0] !== input.shape[0])) {
    throw new Error(`exampleWeights must be [${input.shape[0]}], got [${exampleWeights.shape}]`);
  }
  const gamma = resolveLayerWeights(network, weights);
  return network.layers.map((layer, i) =>
    tf.tidy(() => {
      const previous = i === 0 ? input : activities[i - 1]!;
      const a = preActivations?.[i] ?? layer.map.apply(previous);
      const gradient = layer.potential.preActivationGradient(activities[i]!, a);
      let upstream = gamma[i] === 1 ? gradient : tf.mul(gradient, gamma[i]!);
      if (exampleWeights !== undefined) upstream = tf.mul(upstream, tf.expandDims(exampleWeights, 1));
      return layer.map.parameterGradients(previous, upstream as tf.Tensor2D);
    }),
  );
}
