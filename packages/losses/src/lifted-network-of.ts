import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import {
  denseMap,
  fenchelYoungIdentity,
  fenchelYoungRelu,
  leastSquaresIdentity,
  leastSquaresRelu,
  type LiftedLayer,
  type LiftedNetwork,
} from '@liftguard/potentials';

/** A classifier that is a lifted network (predictions are its free state). */
export interface LiftedModel extends Classifier {
  readonly network: LiftedNetwork;
}

export type PotentialFamily = 'fenchel-young' | 'least-squares';

interface LayerSpecLike {
  type: string;
}

const cache = new WeakMap<Classifier, Map<PotentialFamily, LiftedNetwork>>();

/**
 * The lifted network behind a classifier: its own `network` when it has one, else an MLP
 * `SequentialClassifier` (flatten?, dense, relu, …, dense) read as a lifted network that
 * shares its variables — ReLU potentials on hidden layers, identity on the output.
 */
export function liftedNetworkOf(model: Classifier, family: PotentialFamily = 'fenchel-young'): LiftedNetwork {
  if ('network' in model && (model as LiftedModel).network) return (model as LiftedModel).network;
  const byFamily = cache.get(model) ?? new Map<PotentialFamily, LiftedNetwork>();
  const cached = byFamily.get(family);
  if (cached) return cached;
  const spec = (model as { spec?: { layers?: LayerSpecLike[] } }).spec;
  if (!spec?.layers) {
    throw new Error('this loss needs a lifted network: a model with a `network` property, or an MLP SequentialClassifier from @liftguard/models');
  }
  const types = spec.layers.map((l) => l.type).filter((t, i) => !(i === 0 && t === 'flatten'));
  const denseCount = types.filter((t) => t === 'dense').length;
  const alternating = types.every((t, i) => (i % 2 === 0 ? t === 'dense' : t === 'relu')) && types[types.length - 1] === 'dense';
  if (!alternating || denseCount * 2 !== model.trainableVariables.length) {
    throw new Error(`lifted losses need an MLP (dense, relu, …, dense); this model's layers are ${spec.layers.map((l) => l.type).join(', ')}`);
  }
  const layers: LiftedLayer[] = [];
  for (let k = 0; k < denseCount; k++) {
    const kernel = model.trainableVariables[2 * k] as unknown as tf.Tensor2D;
    const bias = model.trainableVariables[2 * k + 1] as unknown as tf.Tensor1D;
    const output = k === denseCount - 1;
    const potential =
      family === 'fenchel-young'
        ? output ? fenchelYoungIdentity() : fenchelYoungRelu()
        : output ? leastSquaresIdentity() : leastSquaresRelu();
    layers.push({ map: denseMap(kernel, bias), potential });
  }
  const network: LiftedNetwork = { inputSize: layers[0]!.map.inputSize, layers };
  byFamily.set(family, network);
  cache.set(model, byFamily);
  return network;
}

/** Inputs [B, ...] as flat rows [B, inputSize] (a view; caller disposes). */
export function flatInputs(network: LiftedNetwork, x: tf.Tensor): tf.Tensor2D {
  const batch = x.shape[0]!;
  if (x.size !== batch * network.inputSize) {
    throw new Error(`inputs of shape [${x.shape.join(', ')}] do not have ${network.inputSize} values per example`);
  }
  return tf.reshape(x, [batch, network.inputSize]);
}
