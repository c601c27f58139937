import * as tf from '@tensorflow/tfjs-core';
import type { LayerPotential } from './layer-potential.js';
import type { LinearMap } from './linear-map.js';

/** Layer k of a lifted network: a_k = map(z_{k−1}) and the potential E_k(z_k, a_k). */
export interface LiftedLayer {
  map: LinearMap;
  potential: LayerPotential;
}

/**
 * A lifted network: input z_0 = x of size `inputSize` and layers 1..L (`layers[k − 1]` is
 * layer k). Activities are passed as arrays of L tensors, `activities[k − 1]` = z_k [B, n_k].
 */
export interface LiftedNetwork {
  inputSize: number;
  layers: LiftedLayer[];
}

/** Throws unless consecutive layer sizes agree. */
export function validateNetwork(network: LiftedNetwork): void {
  if (network.layers.length === 0) throw new Error('a lifted network needs at least one layer');
  let size = network.inputSize;
  network.layers.forEach((layer, i) => {
    if (layer.map.inputSize !== size) {
      throw new Error(`layer ${i + 1} expects input size ${layer.map.inputSize} but the previous layer has ${size}`);
    }
    size = layer.map.outputSize;
  });
}

/** Layer weights γ: a number for all layers or one positive number per layer. */
export type LayerWeights = number | readonly number[];

/** γ as one positive finite number per layer; throws a clear error otherwise. */
export function resolveLayerWeights(network: LiftedNetwork, weights: LayerWeights = 1): number[] {
  const count = network.layers.length;
  const gamma = typeof weights === 'number' ? new Array<number>(count).fill(weights) : [...weights];
  if (gamma.length !== count) throw new Error(`γ needs ${count} layer weights, got ${gamma.length}`);
  gamma.forEach((g, i) => {
    if (!(g > 0) || !Number.isFinite(g)) throw new Error(`γ_${i + 1} must be a finite number > 0, got ${g}`);
  });
  return gamma;
}

/** Pre-activations a_k = map_k(z_{k−1}) for k = 1..L at the given activities. */
export function preActivations(network: LiftedNetwork, input: tf.Tensor2D, activities: readonly tf.Tensor2D[]): tf.Tensor2D[] {
  checkActivities(network, activities);
  return network.layers.map((layer, i) => layer.map.apply(i === 0 ? input : activities[i - 1]!));
}

/** The forward pass z_k = f_k(a_k) (argmin of each E_k in turn); the FY free state. */
export function forwardPass(network: LiftedNetwork, input: tf.Tensor2D): tf.Tensor2D[] {
  const { activities, preActivations } = forwardState(network, input);
  // An activation may return its input itself: keep what is an activity.
  tf.dispose(preActivations.filter((a) => !activities.includes(a)));
  return activities;
}

/** The forward pass with its pre-activations a_k = map_k(z_{k−1}), both owned by the caller. */
export function forwardState(network: LiftedNetwork, input: tf.Tensor2D): { activities: tf.Tensor2D[]; preActivations: tf.Tensor2D[] } {
  const activities: tf.Tensor2D[] = [];
  const preActivations: tf.Tensor2D[] = [];
  for (const layer of network.layers) {
    const previous = activities.length === 0 ? input : activities[activities.length - 1]!;
    const [a, z] = tf.tidy(() => {
      const a = layer.map.apply(previous);
      return [a, layer.potential.activate(a)];
    });
    preActivations.push(a!);
    activities.push(z!);
  }
  return { activities, preActivations };
}

export function checkActivities(network: LiftedNetwork, activities: readonly tf.Tensor2D[]): void {
  if (activities.length !== network.layers.length) {
    throw new Error(`expected ${network.layers.length} activity tensors (z_1..z_L), got ${activities.length}`);
  }
}
