import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@liftguard/tensor';
import { mlp, type SequentialClassifier } from '@liftguard/models';
import { createLoss } from '../default-registry.js';
import type { Loss, LossBatch } from '../loss.js';

/** A small MLP (lifted init) and a batch of random inputs with random labels. */
export function tinyProblem(seed: number, widths: number[] = [6, 5, 4, 3], batch = 7): { model: SequentialClassifier; batch: LossBatch; dispose: () => void } {
  const model = mlp(widths, { seed, initialization: 'pytorch' });
  const random = new Random(seed);
  const labels = Int32Array.from({ length: batch }, () => random.int(widths[widths.length - 1]!));
  const x = random.uniformTensor([batch, widths[0]!]);
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), widths[widths.length - 1]!), 'float32') as tf.Tensor2D);
  return {
    model,
    batch: { x, oneHot, labels },
    dispose: () => tf.dispose([x, oneHot, ...model.trainableVariables]),
  };
}

/** Central finite difference of `value()` in one entry of a variable (restores it). */
export function finiteDifference(variable: tf.Variable, index: number, h: number, value: () => number): number {
  const original = variable.dataSync().slice();
  const at = (delta: number) => {
    const shifted = original.slice();
    shifted[index]! += delta;
    tf.tidy(() => variable.assign(tf.tensor(shifted, variable.shape, 'float32')));
    return value();
  };
  const result = (at(h) - at(-h)) / (2 * h);
  tf.tidy(() => variable.assign(tf.tensor(original, variable.shape, 'float32')));
  return result;
}

/** Runs `fn` with a freshly created loss and disposes the loss afterwards. */
export function withLoss<T>(name: string, options: Record<string, unknown>, fn: (loss: Loss) => T): T {
  const loss = createLoss(name, options);
  try {
    return fn(loss);
  } finally {
    loss.dispose?.();
  }
}
