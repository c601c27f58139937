import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';

/** A ReLU MLP from plain weight arrays, so another framework can load the very same numbers. */
export class DenseMlp implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly trainableVariables: tf.Variable[] = [];
  /** weights[l] is [fanIn][fanOut] row-major, biases[l] is [fanOut]. */
  readonly weights: number[][];
  readonly biases: number[][];
  private readonly tensors: tf.Tensor[];

  constructor(sizes: number[], random: Random) {
    this.inputShape = [sizes[0]!];
    this.numClasses = sizes[sizes.length - 1]!;
    this.weights = sizes.slice(1).map((out, l) => {
      const fanIn = sizes[l]!;
      return Array.from({ length: fanIn * out }, () => random.normal() * Math.sqrt(2 / fanIn));
    });
    this.biases = sizes
      .slice(1)
      .map((out) => Array.from({ length: out }, () => 0.1 * random.normal()));
    this.tensors = this.weights.flatMap((w, l) => [
      tf.tensor2d(w, [sizes[l]!, sizes[l + 1]!]),
      tf.tensor1d(this.biases[l]!),
    ]);
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      let h = tf.reshape(x, [x.shape[0]!, this.inputShape[0]!]) as tf.Tensor2D;
      const layers = this.tensors.length / 2;
      for (let l = 0; l < layers; l++) {
        h = tf.add(tf.matMul(h, this.tensors[2 * l] as tf.Tensor2D), this.tensors[2 * l + 1]!);
        if (l < layers - 1) h = tf.relu(h);
      }
      return h;
    });
  }

  dispose(): void {
    tf.dispose(this.tensors);
  }
}
