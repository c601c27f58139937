import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';
import { denseMap } from './dense-map.js';
import { fenchelYoungIdentity, fenchelYoungRelu } from './fenchel-young.js';
import { leastSquaresIdentity, leastSquaresRelu } from './least-squares.js';
import type { LiftedNetwork } from './lifted-network.js';

export interface DenseMlpOptions {
  /** Seeded stream for the kernels. */
  random: Random;
  /** Potential family: Fenchel-Young (default) or least squares; ReLU hidden, identity output. */
  potential?: 'fenchel-young' | 'least-squares';
  /** Kernel entries ~ N(0, (scale/√fan_in)²); 1 is the authors' init (W0 ~ N(0,1)/28 for 784 inputs). */
  scale?: number;
}

/**
 * An MLP as a lifted network, `sizes` = [input, hidden..., output], zero biases. The caller
 * owns the parameters: dispose them with `disposeNetworkParameters`.
 */
export function denseMlp(sizes: readonly number[], options: DenseMlpOptions): LiftedNetwork {
  if (sizes.length < 2 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`an MLP needs at least two positive integer sizes, got [${sizes.join(', ')}]`);
  }
  const family = options.potential ?? 'fenchel-young';
  const scale = options.scale ?? 1;
  const layers = sizes.slice(1).map((outputs, i) => {
    const inputs = sizes[i]!;
    const kernel = options.random.normalTensor([inputs, outputs], 0, scale / Math.sqrt(inputs)) as tf.Tensor2D;
    const output = i === sizes.length - 2;
    const potential =
      family === 'fenchel-young'
        ? output ? fenchelYoungIdentity() : fenchelYoungRelu()
        : output ? leastSquaresIdentity() : leastSquaresRelu();
    return { map: denseMap(kernel, tf.zeros([outputs]) as tf.Tensor1D), potential };
  });
  return { inputSize: sizes[0]!, layers };
}

/** Disposes every parameter tensor of a network's maps. */
export function disposeNetworkParameters(network: LiftedNetwork): void {
  for (const layer of network.layers) tf.dispose(Object.values(layer.map.parameters()));
}
