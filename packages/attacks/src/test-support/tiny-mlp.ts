import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';
import type { InternalLayerNetwork } from '../internal-layer.js';

/** A ReLU MLP built by hand whose hidden activities can be read and perturbed. */
export class TinyMlp implements InternalLayerNetwork {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly layerCount: number;
  readonly trainableVariables: tf.Variable[] = [];
  private readonly weights: tf.Tensor2D[];
  private readonly biases: tf.Tensor1D[];

  constructor(sizes: number[], random: Random) {
    this.inputShape = [sizes[0]!];
    this.numClasses = sizes[sizes.length - 1]!;
    this.layerCount = sizes.length - 2;
    this.weights = sizes
      .slice(1)
      .map(
        (n, i) => random.normalTensor([sizes[i]!, n], 0, 1 / Math.sqrt(sizes[i]!)) as tf.Tensor2D,
      );
    this.biases = sizes.slice(1).map((n) => random.normalTensor([n], 0, 0.1) as tf.Tensor1D);
  }

  private layer(i: number, z: tf.Tensor): tf.Tensor2D {
    const a = tf.add(tf.matMul(z as tf.Tensor2D, this.weights[i]!), this.biases[i]!) as tf.Tensor2D;
    return i === this.weights.length - 1 ? a : tf.relu(a);
  }

  activities(x: tf.Tensor): tf.Tensor[] {
    return tf.tidy(() => {
      const out: tf.Tensor[] = [];
      let z: tf.Tensor = x;
      for (let i = 0; i < this.layerCount; i++) out.push((z = this.layer(i, z)));
      return out;
    });
  }

  predictFromLayer(k: number, zk: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      let z: tf.Tensor = zk;
      for (let i = k; i < this.weights.length; i++) z = this.layer(i, z);
      return z as tf.Tensor2D;
    });
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    return this.predictFromLayer(0, x);
  }

  dispose(): void {
    tf.dispose([...this.weights, ...this.biases]);
  }
}
