import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, assertNoLeaksAsync, initBackend, nativeLoops, Random, setNativeLoops } from '@liftguard/tensor';
import { runAttack } from '../run-attack.js';
import { AttackConfigError } from '../errors.js';
import { dot, dualNorm, lpNorm } from '../test-support/oracles.js';
import { argmax, randomLinear, uniformInputs } from '../test-support/fixtures.js';
import { TinyMlp } from '../test-support/tiny-mlp.js';
import { fabTargeted } from './fab.js';
import { projectOntoHyperplane, type FabNorm } from './hyperplane-projection.js';
import { stepTowardsBoundary } from './fab-run.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/**
 * The smallest ‖δ‖ with ⟨w, δ⟩ ≥ c (c ≥ 0) and |δ_i| within the room the box leaves in the
 * direction of w_i, in float64 by bisection on the radius (L∞) or on log λ (L2) — the
 * implementation scans sorted breakpoints instead.
 */
function referenceProjectionNorm(w: number[], room: number[], c: number, norm: FabNorm): number {
  const delta = (param: number) =>
    w.map((v, i) =>
      v === 0
        ? 0
        : Math.sign(v) * Math.min(norm === 'linf' ? param : param * Math.abs(v), room[i]!),
    );
  const reach = (param: number) => dot(w, delta(param));
  const full = lpNorm(delta(Infinity), norm);
  if (reach(Infinity) <= c) return full;
  let low = norm === 'linf' ? 0 : -60;
  let high = norm === 'linf' ? Math.max(...room) : 60;
  const value = (p: number) => (norm === 'linf' ? p : Math.exp(p));
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (reach(value(middle)) >= c) high = middle;
    else low = middle;
  }
  return lpNorm(delta(value(high)), norm);
}

describe('the box-constrained hyperplane projection', () => {
  it.each(['linf', 'l2'] as const)('%s: the compiled loop gives the JavaScript values bit for bit', (norm) => {
    if (process.env.CI === 'true') expect(nativeLoops()).not.toBeNull();
    const random = new Random(`compiled projection ${norm}`);
    const [m, d] = [30, 200];
    const t = Array.from({ length: m }, () => Array.from({ length: d }, () => (random.next() < 0.5 ? (random.next() < 0.7 ? 0 : 1) : random.next())));
    const w = Array.from({ length: m }, () => Array.from({ length: d }, () => (random.next() < 0.1 ? 0 : random.normal())));
    const b = t.map((row, i) => dot(w[i]!, row) + (random.next() - 0.5) * (i < 25 ? 2 : 40));
    const project = () => assertNoLeaks(() => tf.tidy(() => Array.from(projectOntoHyperplane(tf.tensor2d(t), tf.tensor2d(w), tf.tensor1d(b), norm, [0, 1]).dataSync())));
    const compiled = project();
    setNativeLoops(null);
    try {
      expect(compiled).toEqual(project());
    } finally {
      setNativeLoops(undefined);
    }
  });

  it.each([
    ['linf', 6],
    ['l2', 6],
    ['linf', 300],
    ['l2', 300],
  ] as const)(
    '%s, d = %i: feasible, on the hyperplane, and as short as the float64 oracle',
    (norm, d) => {
      const random = new Random(`projection ${norm} ${d}`);
      const m = 40;
      // Wide rows are image-like: many values at the bounds, so many breakpoints tie.
      const value = () => (d > 6 && random.next() < 0.5 ? (random.next() < 0.7 ? 0 : 1) : random.next());
      const t = Array.from({ length: m }, () => Array.from({ length: d }, value));
      const w = Array.from({ length: m }, () =>
        Array.from({ length: d }, () => (random.next() < 0.15 ? 0 : random.normal())),
      );
      // Targets from easy (inside the box's reach) to impossible.
      const b = t.map((row, i) => dot(w[i]!, row) + (random.next() - 0.5) * (i < 30 ? 1 : 8));
      const delta = assertNoLeaks(() =>
        tf.tidy(() =>
          projectOntoHyperplane(
            tf.tensor2d(t),
            tf.tensor2d(w),
            tf.tensor1d(b),
            norm,
            [0, 1],
          ).arraySync(),
        ),
      );
      delta.forEach((step, i) => {
        const gap = b[i]! - dot(w[i]!, t[i]!);
        const sign = gap < 0 ? -1 : 1;
        const oriented = w[i]!.map((v) => v * sign);
        const room = oriented.map((v, j) => (v > 0 ? 1 - t[i]![j]! : v < 0 ? t[i]![j]! : 0));
        step.forEach((s, j) => {
          expect(t[i]![j]! + s).toBeGreaterThanOrEqual(-1e-6);
          expect(t[i]![j]! + s).toBeLessThanOrEqual(1 + 1e-6);
        });
        const reach = room.reduce((s, r, j) => s + Math.abs(oriented[j]!) * r, 0);
        const achieved = dot(oriented, step);
        if (reach >= Math.abs(gap)) expect(achieved).toBeCloseTo(Math.abs(gap), 4);
        else expect(achieved).toBeCloseTo(reach, 4);
        const expected = referenceProjectionNorm(oriented, room, Math.abs(gap), norm);
        expect(lpNorm(step, norm)).toBeCloseTo(expected, 4);
      });
    },
  );

  it('without bounds is the closed form c·sign(w)/‖w‖₁ (L∞) or c·w/‖w‖₂² (L2)', () => {
    const w = [[3, -1, 0, 2]];
    const projected = (norm: FabNorm) =>
      tf.tidy(
        () =>
          projectOntoHyperplane(
            tf.tensor2d([[0, 0, 0, 0]]),
            tf.tensor2d(w),
            tf.tensor1d([12]),
            norm,
            null,
          ).arraySync()[0]!,
      );
    projected('linf').forEach((v, i) => expect(v).toBeCloseTo([2, -2, 0, 2][i]!, 5));
    projected('l2').forEach((v, i) => expect(v).toBeCloseTo((12 / 14) * w[0]![i]!, 5));
  });
});

describe('the L1 hyperplane projection in the box', () => {
  /** The smallest ‖δ‖₁ reaching ⟨|w|, r⟩ ≥ c with 0 ≤ r ≤ room, by brute force over vertices (all but one coordinate at 0 or full). */
  function bruteForce(w: number[], room: number[], c: number): number {
    let best = Infinity;
    const d = w.length;
    for (let mask = 0; mask < 1 << d; mask++) {
      let reach = 0;
      let cost = 0;
      for (let j = 0; j < d; j++) {
        if (!(mask & (1 << j))) continue;
        reach += Math.abs(w[j]!) * room[j]!;
        cost += room[j]!;
      }
      if (reach >= c) best = Math.min(best, cost);
      for (let k = 0; k < d; k++) {
        if (mask & (1 << k) || w[k] === 0) continue;
        const r = (c - reach) / Math.abs(w[k]!);
        if (r >= 0 && r <= room[k]!) best = Math.min(best, cost + r);
      }
    }
    return best;
  }

  it.each([6, 300])('d = %i: in the box, on the hyperplane (or as close as the box allows), optimal', (d) => {
    const random = new Random(`l1 projection ${d}`);
    const m = 40;
    const value = () => (d > 6 && random.next() < 0.5 ? (random.next() < 0.7 ? 0 : 1) : random.next());
    const t = Array.from({ length: m }, () => Array.from({ length: d }, value));
    const w = Array.from({ length: m }, () => Array.from({ length: d }, () => (random.next() < 0.15 ? 0 : random.normal())));
    // Targets from easy (inside the box's reach) to impossible.
    const b = t.map((row, i) => dot(w[i]!, row) + (random.next() - 0.5) * (i < 30 ? 1 : 8) * (d > 6 ? 50 : 1));
    const delta = assertNoLeaks(() => tf.tidy(() => projectOntoHyperplane(tf.tensor2d(t), tf.tensor2d(w), tf.tensor1d(b), 'l1', [0, 1]).arraySync()));
    let unreachable = 0;
    delta.forEach((step, i) => {
      const gap = b[i]! - dot(w[i]!, t[i]!);
      const oriented = w[i]!.map((v) => v * Math.sign(gap));
      const room = oriented.map((v, j) => (v > 0 ? 1 - t[i]![j]! : v < 0 ? t[i]![j]! : 0));
      step.forEach((v, j) => expect(t[i]![j]! + v >= -1e-6 && t[i]![j]! + v <= 1 + 1e-6).toBe(true));
      const reach = room.reduce((s, r, j) => s + Math.abs(oriented[j]!) * r, 0);
      const moved = step.map((v) => Math.abs(v));
      if (reach < Math.abs(gap)) {
        unreachable++;
        // Out of reach: every coordinate that helps goes to its bound.
        moved.forEach((r, j) => expect(r).toBeCloseTo(oriented[j] === 0 ? 0 : room[j]!, 5));
        return;
      }
      expect(dot(oriented, step)).toBeCloseTo(Math.abs(gap), 4);
      // KKT of the linear program: a coordinate moves only if every coordinate with a larger |w| is at its bound.
      moved.forEach((r, j) => {
        if (r <= 1e-6) return;
        oriented.forEach((v, k) => {
          if (Math.abs(v) > Math.abs(oriented[j]!) * (1 + 1e-9)) expect(moved[k]).toBeCloseTo(room[k]!, 5);
        });
      });
      if (d <= 6) expect(moved.reduce((a, v) => a + v, 0)).toBeCloseTo(bruteForce(oriented, room, Math.abs(gap)), 5);
    });
    expect(unreachable).toBeGreaterThan(0);
    expect(unreachable).toBeLessThan(m);
  });

  it('without bounds moves only the coordinate with the largest |w|, by c/w', () => {
    const step = tf.tidy(() => projectOntoHyperplane(tf.tensor2d([[0, 0, 0, 0]]), tf.tensor2d([[3, -1, 0, -4]]), tf.tensor1d([12]), 'l1', null).arraySync()[0]!);
    expect(step).toEqual([0, 0, 0, -3]);
  });
});

describe("FAB's step from its two projections", () => {
  it.each([
    ['linf', [0, 1]],
    ['l2', [0, 1]],
    ['linf', null],
  ] as const)('%s, bounds %j: the compiled loop gives the JavaScript values bit for bit', (norm, bounds) => {
    if (process.env.CI === 'true') expect(nativeLoops()?.fabCombine).toBeDefined();
    const random = new Random(`compiled fab step ${norm} ${String(bounds)}`);
    const [n, d] = [12, 150];
    const rows = (f: () => number) => Float32Array.from({ length: n * d }, f);
    const at = {
      current: rows(() => (random.next() < 0.3 ? 0 : random.next())),
      clean: rows(() => (random.next() < 0.3 ? 0 : random.next())),
      w: rows(() => random.normal()),
      gap: Float32Array.from({ length: n }, () => random.normal()),
      n,
      d,
      norm,
      bounds,
      eta: 1.05,
      alphaMax: 0.1,
    };
    const step = () => {
      const scratch = { offsets: new Float32Array(n), fromCurrent: new Float32Array(n * d), fromClean: new Float32Array(n * d), next: new Float32Array(n * d) };
      stepTowardsBoundary(at, scratch);
      return scratch.next;
    };
    const compiled = step();
    setNativeLoops(null);
    try {
      const plain = step();
      expect(Array.from(compiled)).toEqual(Array.from(plain));
      // Not a vacuous match: the step moved the points and, with a box, stayed inside it.
      expect(plain.some((v, i) => v !== at.current[i])).toBe(true);
      if (bounds) expect(plain.every((v) => v >= 0 && v <= 1)).toBe(true);
    } finally {
      setNativeLoops(undefined);
    }
  });
});

describe('FAB-T on linear classifiers (no bounds): the closed-form minimal distance', () => {
  it.each(['linf', 'l2', 'l1'] as const)(
    '%s: within 1 % above min_j margin_j / ‖w_y − w_j‖_dual, never below',
    (norm) => {
      const random = new Random(`fab linear ${norm}`);
      const d = 20;
      for (const classes of [2, 6]) {
        const model = randomLinear(random, d, classes);
        const inputs = uniformInputs(random, 8, d, 0.3, 0.7);
        const labels = inputs.rows.map((r) => argmax(model.logits(r)));
        const attack = fabTargeted({ norm, steps: 40 });
        const result = tf.tidy(() => {
          const out = attack.perturbMeasuringDistances({
            model,
            x: inputs.x,
            labels: tf.tensor1d(labels, 'int32'),
            targeted: false,
            bounds: null,
            epsilon: 0,
            random: new Random(1),
          });
          return {
            distances: Array.from(out.distances),
            adversarial: out.adversarial.arraySync() as number[][],
          };
        });
        inputs.rows.forEach((row, i) => {
          const y = labels[i]!;
          const z = model.logits(row);
          const optimum = Math.min(
            ...z.map((zj, j) =>
              j === y ? Infinity : (z[y]! - zj) / dualNorm(model.direction(y, j), norm),
            ),
          );
          expect(result.distances[i]).toBeGreaterThanOrEqual(optimum * (1 - 1e-4));
          expect(result.distances[i]).toBeLessThanOrEqual(optimum * 1.01);
          expect(argmax(model.logits(result.adversarial[i]!))).not.toBe(y);
        });
        model.dispose();
        inputs.x.dispose();
      }
    },
  );
});

describe('FAB-T runs', () => {
  it.each([
    ['l2', 0.3],
    ['l1', 1],
  ] as const)('%s: break within ε exactly what their distances say, with restarts in batches, leaking nothing', async (norm, epsilon) => {
    const random = new Random('fab runs');
    const model = new TinyMlp([12, 16, 5], random);
    const inputs = uniformInputs(random, 9, 12);
    const labels = Array.from(tf.tidy(() => tf.argMax(model.predict(inputs.x), 1).dataSync()));
    const attack = fabTargeted({ norm, steps: 10, restarts: 2, targetClasses: 2 });
    const result = await assertNoLeaksAsync(() =>
      runAttack(model, { x: inputs.x, labels }, attack, {
        epsilons: [epsilon],
        batchSize: 4,
        seed: 3,
      }),
    );
    const distances = tf.tidy(
      () =>
        attack.perturbMeasuringDistances({
          model,
          x: inputs.x,
          labels: tf.tensor1d(labels, 'int32'),
          targeted: false,
          bounds: [0, 1],
          epsilon,
          random: new Random(3),
        }).distances,
    );
    // Every distance at most ε is a success the bookkeeping confirms (batches change only restarts' seeds); some are.
    expect(distances.some((distance) => distance <= epsilon * (1 - 1e-3))).toBe(true);
    distances.forEach((distance, i) => {
      if (distance <= epsilon * (1 - 1e-3)) expect(result.success[0]![i]).toBe(true);
    });
    const values = Array.from(result.raw[0]!.dataSync());
    values.forEach((v) => {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    });
    const again = await runAttack(model, { x: inputs.x, labels }, attack, {
      epsilons: [epsilon],
      batchSize: 4,
      seed: 3,
    });
    expect(Array.from(again.raw[0]!.dataSync())).toEqual(values);
    tf.dispose([...result.raw, ...result.clipped, ...again.raw, ...again.clipped]);
    model.dispose();
    inputs.x.dispose();
  });

  it('reject unknown options and out-of-range values, naming them', () => {
    expect(() => fabTargeted({ norm: 'linf', alpha: 1 } as never)).toThrow(
      /unknown option 'alpha'/,
    );
    expect(() => fabTargeted({ norm: 'linf', eta: 0.9 })).toThrow(
      /eta must be a number in \[1, 2\], got 0.9/,
    );
    expect(() => fabTargeted({ norm: 'linf', beta: 0 })).toThrow(
      /beta must be a number in \(0, 1\], got 0/,
    );
    expect(() => fabTargeted({ norm: 'l0' as never })).toThrow(AttackConfigError);
  });
});
