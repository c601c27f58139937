import type * as tf from '@tensorflow/tfjs-core';
import { denseMap, fenchelYoungIdentity, type LiftedNetwork } from '@liftguard/potentials';
import type { Random } from '@liftguard/tensor';

/** A network with identity activations everywhere (every E_k = ½‖z_k − a_k‖²), random biases. */
export function linearNetwork(random: Random, sizes: number[], scale: number): LiftedNetwork {
  return {
    inputSize: sizes[0]!,
    layers: sizes.slice(1).map((n, i) => ({
      map: denseMap(
        random.normalTensor([sizes[i]!, n], 0, scale / Math.sqrt(sizes[i]!)) as tf.Tensor2D,
        random.normalTensor([n], 0, 0.3) as tf.Tensor1D,
      ),
      potential: fenchelYoungIdentity(),
    })),
  };
}

/** Maximum absolute entry of a − b over all layers, divided by max(1, max |b|). */
export function relativeDistance(a: number[][][], b: number[][][]): number {
  let worst = 0;
  let scale = 1;
  a.forEach((layer, k) =>
    layer.forEach((row, i) =>
      row.forEach((v, j) => {
        const e = b[k]![i]![j]!;
        scale = Math.max(scale, Math.abs(e));
        worst = Math.max(worst, Math.abs(v - e));
      }),
    ),
  );
  return worst / scale;
}
