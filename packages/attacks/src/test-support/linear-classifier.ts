import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { GradientSource } from '../gradient-source.js';

/** x ↦ xW + b: the oracle classifier whose optimal perturbations have closed forms. */
export class LinearClassifier implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly trainableVariables: tf.Variable[];
  gradientSource?: GradientSource;

  constructor(
    readonly weights: number[][],
    readonly bias: number[],
    inputShape?: readonly number[],
  ) {
    this.inputShape = inputShape ?? [weights.length];
    this.numClasses = bias.length;
    this.trainableVariables = [tf.variable(tf.tensor2d(weights)), tf.variable(tf.tensor1d(bias))];
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const [w, b] = this.trainableVariables as [tf.Variable, tf.Variable];
      return tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, w.shape[0]!]), w), b) as tf.Tensor2D;
    });
  }

  /** Logits computed in float64 JavaScript, independent of tfjs. */
  logits(x: number[]): number[] {
    return this.bias.map((b, j) => b + x.reduce((s, xi, i) => s + xi * this.weights[i]![j]!, 0));
  }

  /** Column difference w_a − w_b. */
  direction(a: number, b: number): number[] {
    return this.weights.map((row) => row[a]! - row[b]!);
  }

  dispose(): void {
    tf.dispose(this.trainableVariables);
  }
}
