import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { reweightedPotential, type LiftedNetwork } from '@liftguard/potentials';
import { solveActivities, squaredLoss } from '@liftguard/solver';
import { createLoss } from './default-registry.js';
import { liftedNetworkOf } from './lifted-network-of.js';
import { chooseTargets, targetPairs } from './target-rule.js';
import { danskinError, tinyProblem, withLoss } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const converged = { rounds: 150, tolerance: 1e-6 };

function computed(name: string, options: Record<string, unknown>, problem: ReturnType<typeof tinyProblem>) {
  return withLoss(name, options, (loss) => {
    const out = loss.compute(problem.model, problem.batch);
    const grads = problem.model.trainableVariables.flatMap((v) => Array.from(out.grads[v.name]!.dataSync()));
    tf.dispose(Object.values(out.grads));
    return { ...out, grads, flat: grads };
  });
}

describe('target weights', () => {
  it('are distributions over the wrong classes; temperature → 0 is highest-wrong, → ∞ is all-wrong', () => {
    const random = new Random('weights');
    const logits = random.normalTensor([6, 4]) as tf.Tensor2D;
    const labels = Int32Array.from([0, 1, 2, 3, 1, 0]);
    assertNoLeaks(() => {
      const rows = (rule: Parameters<typeof chooseTargets>[0], temperature?: number) =>
        tf.tidy(() => chooseTargets(rule, logits, labels, random, temperature).arraySync());
      const highest = rows('highest-wrong');
      for (const rule of ['highest-wrong', 'random-wrong', 'all-wrong', 'temperature'] as const) {
        rows(rule, 0.5).forEach((row, i) => {
          expect(row[labels[i]!]).toBe(0);
          expect(Math.abs(row.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-6);
          expect(row.every((w) => w >= 0)).toBe(true);
        });
      }
      expect(rows('all-wrong').flat().filter((w) => w !== 0).every((w) => Math.abs(w - 1 / 3) < 1e-7)).toBe(true);
      expect(rows('temperature', 1e-4)).toEqual(highest);
      rows('temperature', 1e4).forEach((row, i) => row.forEach((w, t) => expect(Math.abs(w - (t === labels[i] ? 0 : 1 / 3))).toBeLessThan(1e-3)));
      // A larger logit gets a larger weight, exp(Δs/τ) times larger.
      const soft = rows('temperature', 0.7);
      const s = logits.arraySync();
      expect(soft[0]![1]! / soft[0]![2]!).toBeCloseTo(Math.exp((s[0]![1]! - s[0]![2]!) / 0.7), 4);
    });
    expect(() => chooseTargets('temperature', logits, labels, random, 0)).toThrow(/finite τ > 0/);
    const uniform = chooseTargets('all-wrong', logits, labels, random);
    const pairs = targetPairs(uniform);
    uniform.dispose();
    expect(Array.from(pairs.rows)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]);
    expect(pairs.identity).toBe(false);
    logits.dispose();
  });
});

describe('targeted losses with distribution targets', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['arovr-alpha', { beta: 0.3, alpha: 0.7, target: 'all-wrong' }],
    ['arovr-alpha', { beta: 0.3, alpha: 0.7, target: 'temperature', temperature: 0.3 }],
    ['arovr-g-alpha-beta', { beta: 0.3, alpha: 0.7, mix: 0.5, gamma: { hidden: 0.7, output: 1.1 }, target: 'temperature', temperature: 0.5 }],
  ];
  for (const [name, options] of cases) {
    it(`Danskin: ${name} with target ${String(options.target)} matches finite differences of its value`, () => {
      const problem = tinyProblem(11);
      try {
        withLoss(name, { ...options, ...converged }, (loss) => {
          expect(danskinError(loss, problem.model, problem.batch, `${name} ${String(options.target)}`)).toBeLessThan(3e-2);
        });
      } finally {
        problem.dispose();
      }
    });
  }

  it("'all-wrong' is the mean over wrong classes of the single-target term, solved independently", () => {
    const problem = tinyProblem(7, [6, 5, 4, 3], 6);
    try {
      const beta = 0.3;
      const alpha = 0.8;
      const allWrong = computed('arovr-alpha', { beta, alpha, target: 'all-wrong', ...converged }, problem);
      // Oracle: for each shift j = 1, 2 the target t = (y + j) mod 3 runs over the wrong classes.
      const network: LiftedNetwork = liftedNetworkOf(problem.model);
      const x = problem.batch.x as tf.Tensor2D;
      const termFor = (shift: number) =>
        tf.tidy(() => {
          const target = tf.oneHot(tf.tensor1d(Array.from(problem.batch.labels, (y) => (y + shift) % 3), 'int32'), 3);
          const options = { alpha, beta, target, labels: problem.batch.oneHot, ...converged };
          const pulled = solveActivities(network, x, { ...options, state: 'targeted' }).activities;
          const adversarial = solveActivities(network, x, { ...options, state: 'targeted-adversarial', initial: pulled }).activities;
          const t = tf.cast(target, 'float32') as tf.Tensor2D;
          const inner = (z: tf.Tensor2D[]) => tf.add(squaredLoss.value(z[2]!, t), tf.div(reweightedPotential(network, x, z), alpha));
          const term = tf.sub(squaredLoss.value(adversarial[2]!, problem.batch.oneHot), tf.div(tf.sub(inner(adversarial), inner(pulled)), beta));
          return tf.mean(term).dataSync()[0]!;
        });
      const expected = (termFor(1) + termFor(2)) / 2;
      expect(Math.abs(allWrong.value - expected)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
      expect(allWrong.diagnostics.targetPairs).toBe(2);
    } finally {
      problem.dispose();
    }
  });

  it('temperature → 0 recovers highest-wrong (value and gradient); τ → ∞ tends to all-wrong', () => {
    const problem = tinyProblem(9, [6, 5, 4, 3], 6);
    try {
      const base = { beta: 0.3, alpha: 0.7, mix: 0.6, ...converged };
      const highest = computed('arovr-alpha-beta', { ...base, target: 'highest-wrong' }, problem);
      const cold = computed('arovr-alpha-beta', { ...base, target: 'temperature', temperature: 1e-4 }, problem);
      expect(Math.abs(cold.value - highest.value)).toBeLessThan(1e-5);
      const gap = Math.max(...cold.flat.map((g, i) => Math.abs(g - highest.flat[i]!)));
      expect(gap).toBeLessThan(1e-4 * Math.max(1, ...highest.flat.map(Math.abs)));
      const uniform = computed('arovr-alpha-beta', { ...base, target: 'all-wrong' }, problem);
      const errors = [1, 1e4].map((temperature) => {
        const hot = computed('arovr-alpha-beta', { ...base, target: 'temperature', temperature }, problem);
        return Math.abs(hot.value - uniform.value);
      });
      expect(errors[1]).toBeLessThan(1e-3 * Math.max(1, Math.abs(uniform.value)));
      expect(errors[1]).toBeLessThan(errors[0]!);
    } finally {
      problem.dispose();
    }
  });

  it('keeps L_{α,β} ≥ ℓ_y(z^t) (weighted) with truncated solves on random nets', () => {
    for (const seed of [1, 2]) {
      const problem = tinyProblem(seed, [8, 6, 6, 4], 9);
      try {
        for (const target of ['all-wrong', 'temperature']) {
          const out = computed('arovr-alpha', { beta: 0.5, alpha: 0.8, target, rounds: 5 }, problem);
          expect(out.value).toBeGreaterThanOrEqual(out.diagnostics.targetedStateLoss! - 1e-5);
          expect(out.diagnostics.targetPairs).toBe(3);
        }
      } finally {
        problem.dispose();
      }
    }
  });

  it('refuses invalid target settings with clear errors', () => {
    expect(() => createLoss('arovr-alpha', { target: 'temperature', temperature: 0 })).toThrow(/temperature must be a finite number > 0, got 0/);
    expect(() => createLoss('arovr-alpha', { target: 'temperature', temperature: Number.POSITIVE_INFINITY })).toThrow(/temperature must be a finite/);
    expect(() => createLoss('arovr-alpha', { temperature: 0.5 })).toThrow(/temperature is only used by target 'temperature', not 'highest-wrong'/);
    expect(() => createLoss('arovr-alpha', { target: 'temperature', potential: 'least-squares' })).toThrow(/needs potential 'fenchel-young'/);
    expect(() => createLoss('arovr-alpha', { target: 'every-wrong' })).toThrow(/target must be one of highest-wrong, random-wrong, all-wrong, temperature/);
    withLoss('arovr-alpha', { target: 'temperature' }, (loss) => {
      expect(loss.config).toMatchObject({ target: 'temperature', temperature: 0.1 });
    });
  });

  it('leaves no tensors behind once disposed', () => {
    const problem = tinyProblem(4);
    try {
      for (const [name, options] of [
        ['arovr-alpha', { target: 'all-wrong' }],
        ['arovr-alpha-beta', { beta: 0.4, target: 'temperature', temperature: 0.2 }],
        ['arovr-g-alpha-beta', { beta: 0.4, target: 'all-wrong', potential: 'least-squares' }],
      ] as const) {
        assertNoLeaks(() => {
          withLoss(name, options, (loss) => {
            for (let i = 0; i < 2; i++) tf.dispose(Object.values(loss.compute(problem.model, problem.batch).grads));
          });
        }, `${name} ${options.target}`);
      }
    } finally {
      problem.dispose();
    }
  });
});
