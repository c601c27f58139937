import * as tf from '@tensorflow/tfjs-core';
import { accuracy as shareCorrect, predictClasses, type Classifier } from '@liftguard/tensor';

/**
 * Examples as flat float32 rows with int labels — `@liftguard/data`'s `ImageSet` is one.
 * `images` holds `count` rows of the model's input size, one after another.
 */
export interface LabeledExamples {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** Checks that `examples` fit `model` and returns the per-example input size. */
export function checkExamples(examples: LabeledExamples, model: Classifier, what: string): number {
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  if (!Number.isInteger(examples.count) || examples.count <= 0) throw new Error(`${what}: needs at least one example, got ${examples.count}`);
  if (examples.images.length !== examples.count * rowSize) {
    throw new Error(`${what}: ${examples.count} examples of input shape [${model.inputShape.join(', ')}] need ${examples.count * rowSize} values, got ${examples.images.length}`);
  }
  if (examples.labels.length !== examples.count) throw new Error(`${what}: ${examples.count} examples but ${examples.labels.length} labels`);
  const bad = examples.images.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new Error(`${what}: input value ${examples.images[bad]} at example ${Math.floor(bad / rowSize)} is not finite`);
  for (let i = 0; i < examples.count; i++) {
    const y = examples.labels[i]!;
    if (!(y >= 0 && y < model.numClasses && Number.isInteger(y))) throw new Error(`${what}: label ${y} at index ${i} is not a class in 0..${model.numClasses - 1}`);
  }
  return rowSize;
}

/** Inputs [n, ...inputShape] and one-hot targets of the examples at `indices` (caller disposes). */
export function gatherBatch(examples: LabeledExamples, indices: ArrayLike<number>, model: Classifier, rowSize: number): { x: tf.Tensor; oneHot: tf.Tensor2D; labels: Int32Array } {
  const n = indices.length;
  const xs = new Float32Array(n * rowSize);
  const targets = new Float32Array(n * model.numClasses);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    xs.set(examples.images.subarray(k * rowSize, (k + 1) * rowSize), i * rowSize);
    labels[i] = examples.labels[k]!;
    targets[i * model.numClasses + labels[i]!] = 1;
  }
  return { x: tf.tensor(xs, [n, ...model.inputShape], 'float32'), oneHot: tf.tensor2d(targets, [n, model.numClasses]), labels };
}

/** Fraction of examples whose arg-max logit is the label, evaluated in fixed order. */
export function accuracy(model: Classifier, examples: LabeledExamples, batchSize = 500): number {
  checkExamples(examples, model, 'accuracy');
  const x = tf.tensor(examples.images, [examples.count, ...model.inputShape], 'float32');
  try {
    return shareCorrect(predictClasses(model, x, batchSize), examples.labels);
  } finally {
    x.dispose();
  }
}
