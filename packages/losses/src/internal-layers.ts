import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { forwardPass } from '@liftguard/potentials';
import { flatInputs, liftedNetworkOf, type PotentialFamily } from './lifted-network-of.js';

/**
 * A classifier's hidden activities, readable and perturbable — the shape `attackInternalLayers`
 * of @liftguard/attacks expects (structurally; this package does not import attacks).
 */
export interface InternalLayerView {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  /** Hidden layers 1..L−1 (the logits are not attacked as a layer). */
  readonly layerCount: number;
  /** With Fenchel-Young potentials the free state is the forward pass: gradients through it are exact. */
  readonly gradientSource: 'forward-pass';
  activities(x: tf.Tensor): tf.Tensor[];
  predictFromLayer(k: number, zk: tf.Tensor): tf.Tensor2D;
}

/** The hidden layers of a lifted MLP (or an MLP read as one) at its free state. */
export function internalLayers(model: Classifier, family: PotentialFamily = 'fenchel-young'): InternalLayerView {
  if (family !== 'fenchel-young') throw new Error('internal-layer views need Fenchel-Young potentials (free state = forward pass)');
  const network = liftedNetworkOf(model, family);
  const L = network.layers.length;
  return {
    inputShape: model.inputShape,
    numClasses: model.numClasses,
    layerCount: L - 1,
    gradientSource: 'forward-pass',
    activities: (x) =>
      tf.tidy(() => {
        const states = forwardPass(network, flatInputs(network, x));
        return states.slice(0, L - 1);
      }),
    predictFromLayer: (k, zk) => {
      if (!Number.isInteger(k) || k < 1 || k >= L) throw new Error(`layer ${k} is not a hidden layer (1..${L - 1})`);
      return tf.tidy(() => network.layers.slice(k).reduce((h, layer) => layer.potential.activate(layer.map.apply(h)), zk as tf.Tensor2D));
    },
  };
}
