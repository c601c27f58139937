import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { fgsm, pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { normNames } from './norms/registry.js';
import type { NormName } from './norms/norm-strategy.js';
import { dot, dualNorm, rows } from './test-support/oracles.js';
import { randomLinear, uniformInputs, argmax } from './test-support/fixtures.js';
import type { LinearClassifier } from './test-support/linear-classifier.js';

const d = 40;
let binary: LinearClassifier;
let x: tf.Tensor2D;
let xRows: number[][];
let labels: number[];

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('linear oracle');
  // Two classes: every loss gradient points along w_other − w_label, so the optimum is closed-form.
  binary = randomLinear(random, d, 2);
  ({ x, rows: xRows } = uniformInputs(random, 6, d, 0.3, 0.7));
  labels = xRows.map((r) => argmax(binary.logits(r)));
});

afterAll(() => {
  binary.dispose();
  x.dispose();
});

/** Margin gained by moving from x to adversarial, in the direction away from the label. */
function marginGain(
  model: LinearClassifier,
  adversarial: tf.Tensor,
  label: (i: number) => number,
  other: (i: number) => number,
): number[] {
  return rows(adversarial.dataSync(), d).map((row, i) =>
    dot(
      model.direction(other(i), label(i)),
      row.map((v, j) => v - xRows[i]![j]!),
    ),
  );
}

const optimalDelta: Record<'linf' | 'l2', (w: number[], e: number) => number[]> = {
  linf: (w, e) => w.map((v) => e * Math.sign(v)),
  l2: (w, e) => {
    const n = Math.hypot(...w);
    return w.map((v) => (e * v) / n);
  },
};

describe('FGSM on a linear classifier', () => {
  it.each(['linf', 'l2'] as const)(
    'reaches the closed-form optimal %s perturbation exactly',
    async (norm) => {
      const epsilon = 0.1;
      const result = await assertNoLeaksAsync(() =>
        runAttack(binary, { x, labels }, fgsm({ norm }), { epsilons: [epsilon], bounds: null }),
      );
      rows(result.clipped[0]!.dataSync(), d).forEach((row, i) => {
        const expected = optimalDelta[norm](binary.direction(1 - labels[i]!, labels[i]!), epsilon);
        row.forEach((v, j) => expect(v - xRows[i]![j]!).toBeCloseTo(expected[j]!, 5));
      });
      tf.dispose([...result.raw, ...result.clipped]);
    },
  );
});

describe('PGD on a linear classifier', () => {
  it.each(['linf', 'l2'] as const)(
    'reaches the optimal %s margin gain ε‖w_j − w_y‖_dual from a random start',
    async (norm) => {
      const epsilon = 0.15;
      const result = await assertNoLeaksAsync(() =>
        // Steps of ε/4: 8 steps cross the ball, the remaining 32 rotate onto the optimum.
        runAttack(binary, { x, labels }, pgd({ norm, stepSize: { relativeToEpsilon: 0.25 } }), {
          epsilons: [epsilon],
          bounds: null,
          seed: 3,
        }),
      );
      const gains = marginGain(
        binary,
        result.clipped[0]!,
        (i) => labels[i]!,
        (i) => 1 - labels[i]!,
      );
      gains.forEach((gain, i) => {
        const optimum = epsilon * dualNorm(binary.direction(1 - labels[i]!, labels[i]!), norm);
        expect(gain).toBeGreaterThan(optimum * (1 - 1e-3));
        expect(gain).toBeLessThanOrEqual(optimum * (1 + 1e-5));
      });
      tf.dispose([...result.raw, ...result.clipped]);
    },
  );

  it('with L1 sparse steps gains at least half the optimum and never more than it', async () => {
    const epsilon = 0.5;
    const result = await runAttack(binary, { x, labels }, pgd({ norm: 'l1' }), {
      epsilons: [epsilon],
      bounds: null,
      seed: 4,
    });
    const gains = marginGain(
      binary,
      result.clipped[0]!,
      (i) => labels[i]!,
      (i) => 1 - labels[i]!,
    );
    gains.forEach((gain, i) => {
      const optimum = epsilon * dualNorm(binary.direction(1 - labels[i]!, labels[i]!), 'l1');
      expect(gain).toBeGreaterThan(0.5 * optimum);
      expect(gain).toBeLessThanOrEqual(optimum * (1 + 1e-5));
    });
    tf.dispose([...result.raw, ...result.clipped]);
  });
});

describe('no attack beats the closed-form bound (10 classes, bounds [0, 1], every norm)', () => {
  it.each(normNames)(
    '%s: the worst margin never drops below min_j (z_y − z_j) − ε‖w_y − w_j‖_dual',
    async (norm: NormName) => {
      const r = new Random(`bound ${norm}`);
      const model = randomLinear(r, d, 10);
      const inputs = uniformInputs(r, 8, d);
      const truth = inputs.rows.map((row) => argmax(model.logits(row)));
      const epsilons = norm === 'linf' ? [0.02, 0.1] : norm === 'l2' ? [0.2, 1] : [0.5, 2];
      const result = await runAttack(
        model,
        { x: inputs.x, labels: truth },
        pgd({ norm, steps: 20, loss: 'margin' }),
        { epsilons, seed: 5 },
      );
      result.clipped.forEach((adversarial, e) => {
        rows(adversarial.dataSync(), d).forEach((row, i) => {
          const y = truth[i]!;
          const clean = model.logits(inputs.rows[i]!);
          const attacked = model.logits(row);
          const margin = Math.min(
            ...attacked.map((z, j) => (j === y ? Infinity : attacked[y]! - z)),
          );
          const bound = Math.min(
            ...clean.map((z, j) =>
              j === y
                ? Infinity
                : clean[y]! - z - epsilons[e]! * dualNorm(model.direction(y, j), norm),
            ),
          );
          expect(margin).toBeGreaterThanOrEqual(bound - 1e-4);
        });
      });
      tf.dispose([...result.raw, ...result.clipped, inputs.x]);
      model.dispose();
    },
  );
});
