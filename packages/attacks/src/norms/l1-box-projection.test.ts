import { describe, expect, it } from 'vitest';
import { Random } from '@liftguard/tensor';
import { L1BoxProjection } from './l1-box-projection.js';

/**
 * The oracle: minimize ½‖p − z‖² over ‖p − x‖₁ ≤ ε, low ≤ p ≤ high by its dual in float64 —
 * p(λ) = clip(x + soft(z − x, λ), low, high), ‖p(λ) − x‖₁ falling in λ, λ found by bisection.
 */
function bisection(z: number[], x: number[], epsilon: number, low: number, high: number): number[] {
  const at = (lambda: number) =>
    z.map((v, j) => {
      const d = v - x[j]!;
      const shrunk = Math.sign(d) * Math.max(Math.abs(d) - lambda, 0);
      return Math.min(Math.max(x[j]! + shrunk, low), high);
    });
  const mass = (p: number[]) => p.reduce((s, v, j) => s + Math.abs(v - x[j]!), 0);
  if (mass(at(0)) <= epsilon) return at(0);
  let lo = 0;
  let hi = Math.max(...z.map((v, j) => Math.abs(v - x[j]!)));
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mass(at(mid)) > epsilon) lo = mid;
    else hi = mid;
  }
  return at(hi);
}

function projected(z: number[], x: number[], epsilon: number, low: number, high: number): number[] {
  const out = new Float32Array(z.length);
  new L1BoxProjection(z.length).project(Float32Array.from(z), Float32Array.from(x), 0, epsilon, low, high, out);
  return [...out];
}

/** A center inside [0, 1] (a third of it at a bound, as image pixels) and a point near it. */
function problem(random: Random, w: number, spread: number): { x: number[]; z: number[] } {
  const x = Array.from({ length: w }, () => {
    const u = random.next();
    return u < 0.2 ? 0 : u > 0.87 ? 1 : random.next();
  });
  const z = x.map((v) => v + spread * random.normal());
  return { x: Array.from(Float32Array.from(x)), z: Array.from(Float32Array.from(z)) };
}

describe('projection onto the L1 ball intersected with a box', () => {
  it('equals the float64 bisection oracle on random rows, in and out of the ball', () => {
    const random = new Random('l1 box projection');
    for (let trial = 0; trial < 60; trial++) {
      const w = [1, 2, 7, 50, 784][trial % 5]!;
      const { x, z } = problem(random, w, [0.01, 0.3, 2][trial % 3]!);
      const epsilon = [0, 0.05, 1, 12][trial % 4]!;
      const expected = bisection(z, x, epsilon, 0, 1);
      const got = projected(z, x, epsilon, 0, 1);
      got.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
      // Feasible: inside the box and the ball (float32 rounding aside).
      const mass = got.reduce((s, v, j) => s + Math.abs(v - x[j]!), 0);
      expect(mass).toBeLessThanOrEqual(epsilon * (1 + 1e-5) + 1e-6);
      got.forEach((v) => expect(v >= 0 && v <= 1).toBe(true));
    }
  });

  it('satisfies the projection condition: (z − p)·(q − p) ≤ 0 for feasible points q', () => {
    const random = new Random('l1 box obtuse angle');
    const w = 30;
    for (let trial = 0; trial < 20; trial++) {
      const { x, z } = problem(random, w, 0.5);
      const epsilon = 0.8;
      const p = projected(z, x, epsilon, 0, 1);
      for (let k = 0; k < 50; k++) {
        // A feasible q: a random direction projected by the oracle (itself feasible).
        const q = bisection(x.map((v) => v + random.normal()), x, epsilon * random.next(), 0, 1);
        const inner = z.reduce((s, v, j) => s + (v - p[j]!) * (q[j]! - p[j]!), 0);
        expect(inner).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('leaves a feasible point alone, clips to the box when the ball is loose, and returns x at ε = 0', () => {
    const x = [0.5, 0, 1, 0.25];
    expect(projected([0.6, 0.05, 0.9, 0.2], x, 1, 0, 1)).toEqual([...Float32Array.from([0.6, 0.05, 0.9, 0.2])]);
    expect(projected([2, -1, 1.5, 0.25], x, 100, 0, 1)).toEqual([1, 0, 1, 0.25]);
    expect(projected([2, -1, 1.5, 0.7], x, 0, 0, 1)).toEqual(x);
    // Without a box: soft thresholding (|δ| = 0.4, 0.2, 0.1 over ε 0.4 → λ 0.1 → 0.3, 0.1, 0).
    expect(projected([0.9, 0.2, 0.9, 0.25], x, 0.4, -Infinity, Infinity).map((v) => Number(v.toFixed(6)))).toEqual([0.8, 0.1, 1, 0.25]);
  });
});
