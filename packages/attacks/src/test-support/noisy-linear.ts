import * as tf from '@tensorflow/tfjs-core';
import { Random, type Classifier } from '@liftguard/tensor';

/**
 * A randomized defense with closed-form expectations: logits = (x − c)·(W + σΞ) + b with Ξ
 * standard normal, drawn afresh (from a seeded stream) in every `predict`. The input gradient
 * of z_j − z_y is w_j − w_y + σ(ξ_j − ξ_y): its expectation is w_j − w_y.
 */
export class NoisyLinearClassifier implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly trainableVariables: tf.Variable[];
  private readonly noise: Random;

  constructor(
    readonly weights: Float32Array,
    readonly bias: number[],
    readonly sigma: number,
    readonly center: number,
    seed: string,
  ) {
    this.numClasses = bias.length;
    const inputs = weights.length / this.numClasses;
    this.inputShape = [inputs];
    // tf.variable copies its initial value: the temporaries are disposed by tidy.
    this.trainableVariables = tf.tidy(() => [tf.variable(tf.tensor2d(weights, [inputs, this.numClasses])), tf.variable(tf.tensor1d(bias))]);
    this.noise = new Random(seed);
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const [w, b] = this.trainableVariables as [tf.Variable, tf.Variable];
      const drawn = tf.randomNormal(w.shape, 0, this.sigma, 'float32', this.noise.int(2 ** 31));
      return tf.add(tf.matMul(tf.sub(x, this.center), tf.add(w, drawn)), b) as tf.Tensor2D;
    });
  }

  /** Column difference w_a − w_b of the noise-free weights. */
  direction(a: number, b: number): Float64Array {
    const inputs = this.inputShape[0]!;
    const c = this.numClasses;
    return Float64Array.from({ length: inputs }, (_, i) => this.weights[i * c + a]! - this.weights[i * c + b]!);
  }

  dispose(): void {
    tf.dispose(this.trainableVariables);
  }
}
