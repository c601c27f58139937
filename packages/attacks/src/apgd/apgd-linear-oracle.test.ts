import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { runAttack } from '../run-attack.js';
import { dot, dualNorm, rows } from '../test-support/oracles.js';
import { argmax, randomLinear, uniformInputs } from '../test-support/fixtures.js';
import type { LinearClassifier } from '../test-support/linear-classifier.js';
import type { ApgdNorm } from './apgd-geometry.js';
import { apgd, apgdTargeted } from './apgd.js';

const d = 40;

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('APGD-CE on a two-class linear classifier', () => {
  let model: LinearClassifier;
  let x: tf.Tensor2D;
  let xRows: number[][];
  let labels: number[];
  beforeAll(() => {
    const random = new Random('apgd binary');
    model = randomLinear(random, d, 2);
    ({ x, rows: xRows } = uniformInputs(random, 12, d, 0.3, 0.7));
    labels = xRows.map((r) => argmax(model.logits(r)));
  });
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  it.each(['linf', 'l2'] as const)(
    '%s: breaks exactly the examples the closed form breaks and reaches the optimum on the rest',
    async (norm) => {
      const epsilons = norm === 'linf' ? [0.01, 0.03] : [0.1, 0.3];
      const result = await assertNoLeaksAsync(() =>
        runAttack(model, { x, labels }, apgd({ norm }), { epsilons, bounds: null, seed: 1 }),
      );
      epsilons.forEach((epsilon, e) => {
        rows(result.clipped[e]!.dataSync(), d).forEach((row, i) => {
          const y = labels[i]!;
          const w = model.direction(1 - y, y);
          const clean = model.logits(xRows[i]!);
          const optimum = epsilon * dualNorm(w, norm);
          const breakable = clean[y]! - clean[1 - y]! < optimum;
          expect(result.success[e]![i]).toBe(breakable);
          if (!breakable) {
            const gain = dot(
              w,
              row.map((v, j) => v - xRows[i]![j]!),
            );
            expect(gain).toBeGreaterThan(optimum * (1 - 1e-3));
            expect(gain).toBeLessThanOrEqual(optimum * (1 + 1e-5));
          }
        });
      });
      tf.dispose([...result.raw, ...result.clipped]);
    },
  );
});

describe('L1-APGD-CE on a two-class linear classifier in the box [0, 1]', () => {
  /** max w·δ over ‖δ‖₁ ≤ ε, x + δ ∈ [0, 1]: fill the coordinates by decreasing |w_j| up to their room. */
  function boxOptimum(w: number[], x: number[], epsilon: number): number {
    let left = epsilon;
    let gain = 0;
    for (const j of w.map((_, j) => j).sort((a, b) => Math.abs(w[b]!) - Math.abs(w[a]!))) {
      const move = Math.min(left, w[j]! > 0 ? 1 - x[j]! : x[j]!);
      gain += Math.abs(w[j]!) * move;
      left -= move;
      if (left <= 0) break;
    }
    return gain;
  }

  it.each(['decreasing', 'fixed'] as const)(
    '%s ε schedule: never beats the box optimum, reaches most of it and breaks what is well within it',
    async (epsilonSchedule) => {
      // L1-APGD moves its mass onto the best coordinates in steps: on 10 such problems the
      // reference code (fra31/auto-attack) reached ≥ 95 % of the optimum with the decreasing
      // schedule (LiftGuard the same values) and ≥ 84 % with the fixed one (LiftGuard ≥ 80 %).
      const reach = epsilonSchedule === 'decreasing' ? 0.95 : 0.75;
      const epsilon = 0.9;
      let unbreakable = 0;
      for (let trial = 0; trial < 4; trial++) {
        const random = new Random(`apgd l1 box ${trial}`);
        const model = randomLinear(random, d, 2);
        const { x, rows: xRows } = uniformInputs(random, 12, d, 0.3, 0.7);
        const labels = xRows.map((r) => argmax(model.logits(r)));
        const result = await assertNoLeaksAsync(() =>
          runAttack(model, { x, labels }, apgd({ norm: 'l1', epsilonSchedule }), { epsilons: [epsilon], bounds: [0, 1], seed: trial }),
        );
        rows(result.clipped[0]!.dataSync(), d).forEach((row, i) => {
          const y = labels[i]!;
          const w = model.direction(1 - y, y);
          const clean = model.logits(xRows[i]!);
          const margin = clean[y]! - clean[1 - y]!;
          const optimum = boxOptimum(w, xRows[i]!, epsilon);
          const gain = dot(w, row.map((v, j) => v - xRows[i]![j]!));
          expect(row.reduce((s, v, j) => s + Math.abs(v - xRows[i]![j]!), 0)).toBeLessThanOrEqual(epsilon * (1 + 1e-5));
          row.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
          expect(gain).toBeLessThanOrEqual(optimum * (1 + 1e-5) + 1e-6);
          if (margin >= optimum) {
            unbreakable++;
            expect(result.success[0]![i]).toBe(false);
            expect(gain).toBeGreaterThan(reach * optimum);
          } else if (margin < reach * optimum) expect(result.success[0]![i]).toBe(true);
        });
        tf.dispose([...result.raw, ...result.clipped, x]);
        model.dispose();
      }
      expect(unbreakable).toBeGreaterThan(5);
    },
  );
});

describe('APGD on a ten-class linear classifier: the closed-form success set', () => {
  let model: LinearClassifier;
  let x: tf.Tensor2D;
  let xRows: number[][];
  let labels: number[];
  beforeAll(() => {
    const random = new Random('apgd ten classes');
    model = randomLinear(random, d, 10);
    ({ x, rows: xRows } = uniformInputs(random, 24, d, 0.3, 0.7));
    labels = xRows.map((r) => argmax(model.logits(r)));
  });
  afterAll(() => {
    model.dispose();
    x.dispose();
  });

  /** The smallest ε that breaks example i: min over classes j of margin_j / ‖w_y − w_j‖_dual. */
  function breakingEpsilon(i: number, norm: ApgdNorm): number {
    const y = labels[i]!;
    const z = model.logits(xRows[i]!);
    return Math.min(
      ...z.map((zj, j) =>
        j === y ? Infinity : (z[y]! - zj) / dualNorm(model.direction(y, j), norm),
      ),
    );
  }

  const attacks = {
    'apgd-ce': (norm: ApgdNorm) => apgd({ norm }),
    'apgd-dlr': (norm: ApgdNorm) => apgd({ norm, loss: 'dlr' }),
    'apgd-t': (norm: ApgdNorm) => apgdTargeted({ norm, steps: 30 }),
  };
  // Untargeted DLR chases the runner-up class, which need not be the cheapest one to reach.
  const slack = { 'apgd-ce': 0.8, 'apgd-dlr': 0.5, 'apgd-t': 0.8 };
  // L1's sparse steps follow the few largest gradient coordinates, which the cross-entropy
  // gradient mixes from several classes: an example needing 0.78ε is missed here.
  const l1Slack = { ...slack, 'apgd-ce': 0.75 };
  const cases = (['linf', 'l2', 'l1'] as const).flatMap((norm) =>
    (Object.keys(attacks) as (keyof typeof attacks)[]).map((name) => [name, norm] as const),
  );

  it.each(cases)(
    '%s %s: fails where the closed form says unbreakable, succeeds where it breaks with slack',
    async (name, norm) => {
      // The 70th-percentile breaking ε: most examples are breakable, some are not.
      const needs = labels.map((_, i) => breakingEpsilon(i, norm)).sort((a, b) => a - b);
      const epsilon = needs[Math.floor(0.7 * needs.length)]!;
      const result = await assertNoLeaksAsync(() =>
        runAttack(model, { x, labels }, attacks[name](norm), {
          epsilons: [epsilon],
          bounds: null,
          seed: 2,
        }),
      );
      let checkedBreakable = 0;
      labels.forEach((_, i) => {
        const needed = breakingEpsilon(i, norm);
        if (needed > epsilon) expect(result.success[0]![i]).toBe(false);
        if (needed < (norm === 'l1' ? l1Slack : slack)[name] * epsilon) {
          expect(result.success[0]![i]).toBe(true);
          checkedBreakable++;
        }
      });
      expect(checkedBreakable).toBeGreaterThan(name === 'apgd-dlr' ? 0 : 3);
      tf.dispose([...result.raw, ...result.clipped]);
    },
  );
});
