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

/**
 * Danskin check: the largest gap between the loss's gradient and a central finite difference of
 * its value, over one random entry per variable, relative to the gradient's scale.
 */
export function danskinError(loss: Loss, model: SequentialClassifier, batch: LossBatch, seed: string): number {
  const out = loss.compute(model, batch);
  const random = new Random(seed);
  let worst = 0;
  let scale = 0;
  try {
    for (const variable of model.trainableVariables) {
      const analytic = out.grads[variable.name]!.dataSync();
      scale = Math.max(scale, ...Array.from(analytic, Math.abs));
      const index = random.int(variable.size);
      const fd = finiteDifference(variable, index, 2e-3, () => {
        const o = loss.compute(model, batch);
        tf.dispose(Object.values(o.grads));
        return o.value;
      });
      worst = Math.max(worst, Math.abs(fd - analytic[index]!));
    }
  } finally {
    tf.dispose(Object.values(out.grads));
  }
  return worst / Math.max(scale, 1e-3);
}
