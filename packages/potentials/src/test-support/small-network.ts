import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';
import { denseMap } from '../dense-map.js';
import { fenchelYoungIdentity, fenchelYoungRelu } from '../fenchel-young.js';
import { leastSquaresIdentity, leastSquaresRelu } from '../least-squares.js';
import type { LiftedNetwork } from '../lifted-network.js';

/** A small ReLU MLP with random kernels and random (nonzero) biases. */
export function smallNetwork(random: Random, sizes: number[], family: 'fenchel-young' | 'least-squares'): LiftedNetwork {
  return {
    inputSize: sizes[0]!,
    layers: sizes.slice(1).map((n, i) => {
      const output = i === sizes.length - 2;
      const potential =
        family === 'fenchel-young'
          ? output ? fenchelYoungIdentity() : fenchelYoungRelu()
          : output ? leastSquaresIdentity() : leastSquaresRelu();
      const kernel = random.normalTensor([sizes[i]!, n], 0, 1 / Math.sqrt(sizes[i]!)) as tf.Tensor2D;
      return { map: denseMap(kernel, random.normalTensor([n], 0, 0.3) as tf.Tensor1D), potential };
    }),
  };
}

/** Strictly positive hidden activities (interior of the ReLU domain) and free outputs. */
export function interiorActivities(random: Random, batch: number, sizes: number[]): tf.Tensor2D[] {
  return sizes.slice(1).map((n, i) =>
    i === sizes.length - 2
      ? (random.normalTensor([batch, n]) as tf.Tensor2D)
      : (random.uniformTensor([batch, n], 0.2, 1.5) as tf.Tensor2D),
  );
}
