import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import type { AttackGoal } from './goal.js';
import type { NormName } from './norms/norm-strategy.js';
import { blockModel } from './test-support/fixtures.js';
import type { LinearClassifier } from './test-support/linear-classifier.js';

let model: LinearClassifier;
let x: tf.Tensor2D;
let labels: number[];
const classes = 5;

beforeAll(async () => {
  await initBackend({ quiet: true });
  ({ model, x, labels } = blockModel(classes, 4));
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

// Radii that provably suffice on the block model: move the target block up and the true block down.
const reachable: [NormName, number][] = [
  ['linf', 0.5],
  ['l2', 1.5],
  ['l1', 4],
];

describe('targeted attacks on an easy model (every target is reachable by construction)', () => {
  const goals: AttackGoal[] = [
    { kind: 'targeted', target: 'given' },
    { kind: 'targeted', target: 'random-wrong' },
    { kind: 'targeted', target: 'least-likely' },
  ];
  for (const goal of goals) {
    it.each(reachable)(
      `${goal.kind === 'targeted' ? goal.target : ''} targets are all reached in %s`,
      async (norm, epsilon) => {
        const targets = labels.map((y, i) => (y + 1 + (i % (classes - 1))) % classes);
        const result = await assertNoLeaksAsync(() =>
          runAttack(model, { x, labels, targets }, pgd({ norm, steps: 30 }), {
            epsilons: [0, epsilon],
            goal,
            seed: 9,
            returnAdversarials: false,
          }),
        );
        expect(result.success[0]!.every((s) => !s)).toBe(true);
        expect(result.success[1]!.every(Boolean)).toBe(true);
        const reached = result.adversarialPredictions[1]!;
        reached.forEach((p, i) => expect(p).not.toBe(labels[i]));
        if (goal.kind === 'targeted' && goal.target === 'given')
          expect(Array.from(reached)).toEqual(targets);
        expect(result.robustAccuracy).toEqual([1, 0]);
      },
    );
  }

  it('draws random wrong targets from the seed: never the true label, the same for the same seed', async () => {
    const goal: AttackGoal = { kind: 'targeted', target: 'random-wrong' };
    const run = (seed: number) =>
      runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 20 }), {
        epsilons: [0.5],
        goal,
        seed,
        returnAdversarials: false,
      });
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(Array.from(a.adversarialPredictions[0]!)).toEqual(
      Array.from(b.adversarialPredictions[0]!),
    );
    a.adversarialPredictions[0]!.forEach((p, i) => expect(p).not.toBe(labels[i]));
    expect(Array.from(c.adversarialPredictions[0]!)).not.toEqual(
      Array.from(a.adversarialPredictions[0]!),
    );
  });
});

describe('label modes', () => {
  it('predicted-label mode attacks the model’s own predictions, not the given labels', async () => {
    // Half of the given labels are wrong: true-label mode counts them as broken at ε = 0.
    const wrong = labels.map((y, i) => (i % 2 ? (y + 1) % classes : y));
    const attack = pgd({ norm: 'linf', steps: 10 });
    const trueMode = await runAttack(model, { x, labels: wrong }, attack, {
      epsilons: [0],
      returnAdversarials: false,
    });
    const predictedMode = await runAttack(model, { x, labels: wrong }, attack, {
      epsilons: [0],
      goal: { kind: 'untargeted', labels: 'predicted' },
      returnAdversarials: false,
    });
    expect(trueMode.success[0]).toEqual(wrong.map((_, i) => i % 2 === 1));
    expect(predictedMode.success[0]!.every((s) => !s)).toBe(true);
    expect(predictedMode.robustAccuracy).toEqual([0.5]);
  });

  it('predicted-label mode runs without true labels and reports no accuracy', async () => {
    const result = await runAttack(model, { x }, pgd({ norm: 'linf', steps: 10 }), {
      epsilons: [0.5],
      goal: { kind: 'untargeted', labels: 'predicted' },
      returnAdversarials: false,
    });
    expect(result.robustAccuracy).toBeNull();
    expect(result.cleanAccuracy).toBeNull();
    expect(result.successRate).toEqual([1]);
  });
});

describe('restarts', () => {
  it('keep each example’s worst case: never fewer successes than the first run with the same seed', async () => {
    const random = new Random('restarts');
    const noisy = tf.tidy(() =>
      tf.clipByValue(tf.add(x, random.uniformTensor(x.shape, -0.3, 0.3)), 0, 1),
    );
    const options = { epsilons: [0.15, 0.25], seed: 4, returnAdversarials: false };
    const once = await runAttack(
      model,
      { x: noisy, labels },
      pgd({ norm: 'l2', steps: 3, restarts: 1 }),
      options,
    );
    const many = await runAttack(
      model,
      { x: noisy, labels },
      pgd({ norm: 'l2', steps: 3, restarts: 4 }),
      options,
    );
    once.success.forEach((row, e) =>
      row.forEach((s, i) => (s ? expect(many.success[e]![i]).toBe(true) : undefined)),
    );
    noisy.dispose();
  });
});
