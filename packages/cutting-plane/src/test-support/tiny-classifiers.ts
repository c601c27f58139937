import * as tf from '@tensorflow/tfjs-core';
import { Random, type Classifier } from '@liftguard/tensor';

let created = 0;

/** A 2-layer ReLU MLP built from tf.variables: logits = relu(x W1 + b1) W2 + b2. */
export class TinyMlp implements Classifier {
  readonly inputShape: readonly number[];
  readonly trainableVariables: readonly tf.Variable[];

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly numClasses: number,
    seed: number,
  ) {
    const random = new Random(seed);
    const id = created++;
    this.inputShape = [inputSize];
    const make = (shape: number[], std: number, name: string) => {
      const init = random.normalTensor(shape, 0, std);
      const variable = tf.variable(init, true, `tiny-mlp-${id}/${name}`);
      init.dispose();
      return variable;
    };
    this.trainableVariables = [
      make([inputSize, hiddenSize], Math.sqrt(2 / inputSize), 'w1'),
      make([hiddenSize], 0.1, 'b1'),
      make([hiddenSize, numClasses], Math.sqrt(1 / hiddenSize), 'w2'),
      make([numClasses], 0.1, 'b2'),
    ];
  }

  /** relu(x W1 + b1): the features the last layer sees. */
  hidden(x: tf.Tensor): tf.Tensor2D {
    const [w1, b1] = this.trainableVariables;
    return tf.tidy(
      () => tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1 as tf.Tensor2D), b1!)) as tf.Tensor2D,
    );
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    const [, , w2, b2] = this.trainableVariables;
    return tf.tidy(() => tf.add(tf.matMul(this.hidden(x), w2 as tf.Tensor2D), b2!));
  }

  dispose(): void {
    for (const v of this.trainableVariables) v.dispose();
  }
}

/** A linear classifier logits = x W + b, whose gradients have closed forms. */
export class TinyLinear implements Classifier {
  readonly inputShape: readonly number[];
  readonly trainableVariables: readonly tf.Variable[];

  constructor(
    readonly inputSize: number,
    readonly numClasses: number,
    seed: number,
  ) {
    const random = new Random(seed);
    const id = created++;
    this.inputShape = [inputSize];
    const w = random.normalTensor([inputSize, numClasses]);
    const b = random.normalTensor([numClasses]);
    this.trainableVariables = [
      tf.variable(w, true, `tiny-linear-${id}/w`),
      tf.variable(b, true, `tiny-linear-${id}/b`),
    ];
    tf.dispose([w, b]);
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    const [w, b] = this.trainableVariables;
    return tf.tidy(() => tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b!));
  }

  dispose(): void {
    for (const v of this.trainableVariables) v.dispose();
  }
}

/** Gaussian blobs around class centres; labels cycle through the classes. */
export function blobs(
  seed: number,
  count: number,
  inputSize: number,
  numClasses: number,
  spread = 1,
): { x: tf.Tensor2D; labels: Int32Array } {
  const random = new Random(seed);
  const centres = Array.from({ length: numClasses }, () => random.normalArray(inputSize, 0, 2));
  const values = new Float32Array(count * inputSize);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % numClasses;
    for (let p = 0; p < inputSize; p++)
      values[i * inputSize + p] = centres[labels[i]!]![p]! + spread * random.normal();
  }
  return { x: tf.tensor2d(values, [count, inputSize]), labels };
}
