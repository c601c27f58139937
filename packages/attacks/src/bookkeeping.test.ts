import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { fgsm, pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { runAttacks } from './run-attacks.js';
import { lpNorm, rows } from './test-support/oracles.js';
import type { Attack } from './attack.js';
import { argmax, randomLinear, uniformInputs } from './test-support/fixtures.js';
import type { LinearClassifier } from './test-support/linear-classifier.js';

const d = 16;
let model: LinearClassifier;
let x: tf.Tensor2D;
let xRows: number[][];
let labels: number[];

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('bookkeeping');
  model = randomLinear(random, d, 4);
  ({ x, rows: xRows } = uniformInputs(random, 40, d));
  // Labels = clean predictions except every fifth, so some examples start misclassified.
  labels = xRows.map((r, i) =>
    i % 5 === 0 ? (argmax(model.logits(r)) + 1) % 4 : argmax(model.logits(r)),
  );
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

const epsilons = [0, 0.02, 0.05, 0.1];

describe('ε lists', () => {
  it('return the success matrix [numEps, N] that re-predicting the clipped outputs gives', async () => {
    const result = await assertNoLeaksAsync(() =>
      runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 10 }), {
        epsilons,
        batchSize: 16,
      }),
    );
    expect(result.success).toHaveLength(epsilons.length);
    result.clipped.forEach((adversarial, e) => {
      const predicted = rows(adversarial.dataSync(), d).map((r) => argmax(model.logits(r)));
      expect(result.success[e]).toEqual(predicted.map((p, i) => p !== labels[i]));
      const correct = predicted.filter((p, i) => p === labels[i]).length;
      expect(result.robustAccuracy![e]).toBeCloseTo(correct / labels.length, 10);
      expect(result.successRate[e]).toBeCloseTo(1 - correct / labels.length, 10);
    });
    expect(result.robustAccuracy![0]).toBe(result.cleanAccuracy);
    expect(result.cleanAccuracy).toBeCloseTo(0.8, 10);
    expect(result.raw).toHaveLength(epsilons.length);
    expect(result.timings.perEpsilonMs).toHaveLength(epsilons.length);
    tf.dispose([...result.raw, ...result.clipped]);
  });

  it('echo the fully resolved configuration, every default spelled out', async () => {
    const result = await runAttack(model, { x, labels }, pgd({ norm: 'l2' }), {
      epsilons: [0.1],
      returnAdversarials: false,
    });
    expect(result.config.attack).toEqual({
      attack: 'pgd',
      norm: 'l2',
      steps: 40,
      stepSize: { relativeToEpsilon: 2.5 / 40 },
      randomStart: true,
      restarts: 1,
      loss: 'cross-entropy',
    });
    expect(result.config.run).toEqual({
      epsilons: [0.1],
      goal: { kind: 'untargeted', labels: 'true' },
      bounds: [0, 1],
      seed: 0,
      batchSize: 40,
      probabilityOutputs: 'error',
      returnAdversarials: false,
      numExamples: 40,
      inputShape: [d],
      numClasses: 4,
      backend: tf.getBackend(),
    });
    expect(result.gradient).toEqual({ source: 'forward-pass', declared: false });
    expect(fgsm().config).toMatchObject({
      attack: 'fgsm',
      steps: 1,
      stepSize: { relativeToEpsilon: 1 },
      randomStart: false,
    });
  });

  it('give the same adversarials for a step size relative to ε and the equal absolute one', async () => {
    const options = { epsilons: [0.08], seed: 2 };
    const relative = await runAttack(
      model,
      { x, labels },
      pgd({ norm: 'linf', steps: 5, stepSize: { relativeToEpsilon: 0.5 } }),
      options,
    );
    const absolute = await runAttack(
      model,
      { x, labels },
      pgd({ norm: 'linf', steps: 5, stepSize: { absolute: 0.04 } }),
      options,
    );
    const a = relative.clipped[0]!.dataSync();
    const b = absolute.clipped[0]!.dataSync();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    tf.dispose([...relative.raw, ...relative.clipped, ...absolute.raw, ...absolute.clipped]);
  });

  it('report the gradient source a classifier declares', async () => {
    model.gradientSource = 'unrolled-solver';
    try {
      const result = await runAttack(model, { x, labels }, fgsm(), {
        epsilons: [0.1],
        returnAdversarials: false,
      });
      expect(result.gradient).toEqual({ source: 'unrolled-solver', declared: true });
    } finally {
      delete model.gradientSource;
    }
  });
});

describe('a new attack', () => {
  it('gets the ε list, clipping and success bookkeeping by implementing perturb only', async () => {
    // Overshoots on purpose: 3ε of noise, outside the ball and the bounds.
    const noise: Attack = {
      name: 'overshooting-noise',
      norm: 'l2',
      config: { attack: 'overshooting-noise', norm: 'l2' },
      perturb: ({ x, epsilon, random }) =>
        tf.tidy(() => {
          const g = random.normalTensor(x.shape);
          return tf.add(x, tf.mul(tf.div(g, tf.norm(g)), 3 * epsilon * Math.sqrt(x.shape[0]!)));
        }),
    };
    const result = await assertNoLeaksAsync(() =>
      runAttack(model, { x, labels }, noise, { epsilons: [0.5, 2], seed: 1 }),
    );
    result.clipped.forEach((clipped, e) => {
      const raw = rows(result.raw[e]!.dataSync(), d);
      const inBall = rows(clipped.dataSync(), d);
      expect(
        raw.some(
          (r, i) =>
            lpNorm(
              r.map((v, j) => v - xRows[i]![j]!),
              'l2',
            ) > result.epsilons[e]!,
        ),
      ).toBe(true);
      inBall.forEach((r, i) => {
        expect(
          lpNorm(
            r.map((v, j) => v - xRows[i]![j]!),
            'l2',
          ),
        ).toBeLessThanOrEqual(result.epsilons[e]! * (1 + 1e-5));
        for (const v of r) expect(v >= 0 && v <= 1).toBe(true);
      });
      expect(result.success[e]).toEqual(
        inBall.map((r, i) => argmax(model.logits(r)) !== labels[i]),
      );
    });
    expect(result.config.attack).toEqual({ attack: 'overshooting-noise', norm: 'l2' });
    tf.dispose([...result.raw, ...result.clipped]);
  });
});

describe('an attack that returns its input unchanged', () => {
  it('succeeds only where the clean prediction is already wrong, and leaks nothing', async () => {
    const identity: Attack = {
      name: 'identity',
      norm: 'linf',
      config: { attack: 'identity', norm: 'linf' },
      perturb: ({ x }) => x,
    };
    const result = await assertNoLeaksAsync(() =>
      runAttack(model, { x, labels }, identity, { epsilons: [0.1], batchSize: 7 }),
    );
    expect(result.success[0]).toEqual(labels.map((y, i) => argmax(model.logits(xRows[i]!)) !== y));
    expect(Array.from(result.raw[0]!.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([...result.raw, ...result.clipped]);
  });
});

describe('several attacks', () => {
  it('take the pointwise worst case, and later attacks run only on survivors', async () => {
    // Deterministic attacks (no random start) so each attack's verdict per example is fixed.
    const attacks = [
      fgsm({ norm: 'linf' }),
      pgd({ norm: 'linf', steps: 10, randomStart: false, loss: 'margin' }),
      fgsm({ norm: 'l1' }),
    ];
    const alone = await Promise.all(
      attacks.map((a) =>
        runAttack(model, { x, labels }, a, { epsilons, returnAdversarials: false }),
      ),
    );
    const together = await assertNoLeaksAsync(() =>
      runAttacks(model, { x, labels }, attacks, { epsilons }),
    );
    epsilons.forEach((_, e) => {
      const anyAlone = labels.map((__, i) => alone.some((r) => r.success[e]![i]));
      expect(together.success[e]).toEqual(anyAlone);
      expect(together.robustAccuracy![e]).toBeCloseTo(
        anyAlone.filter((s) => !s).length / labels.length,
        10,
      );
      // Attack a ran on exactly the examples attacks 0..a−1 all failed on.
      attacks.forEach((__, a) => {
        const survivors = labels.filter((___, i) =>
          alone.slice(0, a).every((r) => !r.success[e]![i]),
        ).length;
        expect(together.stages[a]!.attacked[e]).toBe(survivors);
      });
      together.brokenBy[e]!.forEach((a, i) => {
        if (a === -1) expect(anyAlone[i]).toBe(false);
        else expect(alone.findIndex((r) => r.success[e]![i])).toBe(a);
      });
      // The worst-case adversarial of a broken example is one that breaks it.
      const predicted = rows(together.clipped[e]!.dataSync(), d).map((r) =>
        argmax(model.logits(r)),
      );
      predicted.forEach((p, i) => expect(p !== labels[i]).toBe(together.success[e]![i]));
    });
    expect(together.stages[2]!.robustAccuracy).toEqual(together.robustAccuracy);
    tf.dispose(together.clipped);
  });
});
