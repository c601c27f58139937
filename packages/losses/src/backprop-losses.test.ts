import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { createLoss } from './default-registry.js';
import { finiteDifference, tinyProblem } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function gradientVersusFiniteDifferences(name: string, options: Record<string, unknown>): number {
  const { model, batch, dispose } = tinyProblem(3);
  const loss = createLoss(name, options);
  try {
    const out = loss.compute(model, batch);
    const random = new Random(name);
    let worst = 0;
    let scale = 1e-3;
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
    tf.dispose(Object.values(out.grads));
    return worst / scale;
  } finally {
    dispose();
  }
}

describe('backprop baselines', () => {
  it('bp-squared and bp-cross-entropy gradients match finite differences', () => {
    expect(gradientVersusFiniteDifferences('bp-squared', {})).toBeLessThan(2e-2);
    expect(gradientVersusFiniteDifferences('bp-cross-entropy', {})).toBeLessThan(2e-2);
  });

  it('bp-squared value is ½‖logits − onehot‖² averaged over the batch', () => {
    const { model, batch, dispose } = tinyProblem(6);
    try {
      const out = createLoss('bp-squared').compute(model, batch);
      tf.dispose(Object.values(out.grads));
      const logits = tf.tidy(() => model.predict(batch.x).arraySync() as number[][]);
      const expected = logits.reduce((s, row, i) => s + row.reduce((t, z, j) => t + 0.5 * (z - (j === batch.labels[i] ? 1 : 0)) ** 2, 0), 0) / logits.length;
      expect(out.value).toBeCloseTo(expected, 5);
    } finally {
      dispose();
    }
  });

  it('simple adversarial training: the perturbed loss is at least the clean loss for a small step', () => {
    const { model, batch, dispose } = tinyProblem(9);
    try {
      const clean = createLoss('bp-squared').compute(model, batch);
      const adversarial = createLoss('simple-adversarial', { beta: 0.05 }).compute(model, batch);
      tf.dispose([...Object.values(clean.grads), ...Object.values(adversarial.grads)]);
      // a step along +∇ₓℓ raises ℓ to first order
      expect(adversarial.value).toBeGreaterThan(clean.value);
    } finally {
      dispose();
    }
  });

  it('pgd-adversarial trains on whatever inputs the supplied attack returns', () => {
    const { model, batch, dispose } = tinyProblem(10);
    try {
      // An "attack" that returns the inputs unchanged must give exactly the clean loss and gradient.
      const identity = createLoss('pgd-adversarial', { perturb: (_m: unknown, x: tf.Tensor) => x.clone(), output: 'squared' });
      const clean = createLoss('bp-squared').compute(model, batch);
      const viaAttack = assertNoLeaks(() => identity.compute(model, batch));
      expect(viaAttack.value).toBeCloseTo(clean.value, 6);
      for (const v of model.trainableVariables) {
        expect(Array.from(viaAttack.grads[v.name]!.dataSync())).toEqual(Array.from(clean.grads[v.name]!.dataSync()));
      }
      tf.dispose([...Object.values(clean.grads), ...Object.values(viaAttack.grads)]);
      expect(() => createLoss('pgd-adversarial', {})).toThrow(/needs a perturb/);
    } finally {
      dispose();
    }
  });

  it('clips the global gradient norm when asked', () => {
    const { model, batch, dispose } = tinyProblem(12);
    try {
      const out = createLoss('bp-squared', { maxGradientNorm: 1e-3 }).compute(model, batch);
      const norm = Math.sqrt(Object.values(out.grads).reduce((s, g) => s + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]!), 0));
      expect(norm).toBeCloseTo(1e-3, 6);
      expect(out.diagnostics.gradientNorm).toBeGreaterThan(1e-3);
      tf.dispose(Object.values(out.grads));
    } finally {
      dispose();
    }
  });
});
