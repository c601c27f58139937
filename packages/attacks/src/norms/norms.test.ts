import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { normNames, normStrategy } from './registry.js';
import { dot, dualNorm, lpNorm, projectL1Bisection, rows } from '../test-support/oracles.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const width = 12;

describe.each(normNames)('%s strategy (property tests on random inputs)', (name) => {
  const norm = normStrategy(name);

  it('projects every δ into the ε-ball and leaves points inside unchanged', () => {
    const random = new Random(`project ${name}`);
    for (let trial = 0; trial < 20; trial++) {
      const epsilon = 0.05 + 2 * random.next();
      const scale = 4 * random.next();
      const delta = random.normalTensor([5, width], 0, scale);
      const projected = assertNoLeaks(() => norm.project(delta, epsilon));
      const before = rows(delta.dataSync(), width);
      const after = rows(projected.dataSync(), width);
      after.forEach((row, i) => {
        expect(lpNorm(row, name)).toBeLessThanOrEqual(epsilon * (1 + 1e-5) + 1e-6);
        if (lpNorm(before[i]!, name) <= epsilon * (1 - 1e-5))
          row.forEach((v, j) => expect(v).toBeCloseTo(before[i]![j]!, 5));
      });
      tf.dispose([delta, projected]);
    }
  });

  it('normalizes the gradient to a unit-norm step that ascends along it', () => {
    const random = new Random(`normalize ${name}`);
    const g = random.normalTensor([6, width]);
    const direction = assertNoLeaks(() => norm.normalizeGradient(g));
    const gRows = rows(g.dataSync(), width);
    rows(direction.dataSync(), width).forEach((d, i) => {
      expect(lpNorm(d, name)).toBeCloseTo(1, 5);
      // ⟨g, d⟩ > 0 and never more than the dual norm (Hölder).
      const gain = dot(gRows[i]!, d);
      expect(gain).toBeGreaterThan(0);
      expect(gain).toBeLessThanOrEqual(dualNorm(gRows[i]!, name) * (1 + 1e-5));
      // L∞ and L2 steps are steepest ascent: they reach the dual norm exactly.
      if (name !== 'l1') expect(gain).toBeCloseTo(dualNorm(gRows[i]!, name), 3);
    });
    tf.dispose([g, direction]);
  });

  it('draws random starts inside the ε-ball, filling it', () => {
    const random = new Random(`start ${name}`);
    const epsilon = 0.3;
    const start = assertNoLeaks(() => norm.randomStart([200, width], epsilon, random));
    const norms = rows(start.dataSync(), width).map((r) => lpNorm(r, name));
    for (const v of norms) expect(v).toBeLessThanOrEqual(epsilon * (1 + 1e-5));
    // Uniform in a 12-dimensional ball: most mass is near the surface, none is outside.
    expect(Math.max(...norms)).toBeGreaterThan(0.9 * epsilon);
    start.dispose();
  });

  it('measures per-example norms like the reference', () => {
    const delta = new Random(`norms ${name}`).normalTensor([4, 3, width / 3]);
    const measured = assertNoLeaks(() => norm.norms(delta));
    const expected = rows(delta.dataSync(), width).map((r) => lpNorm(r, name));
    Array.from(measured.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    tf.dispose([delta, measured]);
  });
});

describe('L1 projection', () => {
  it('equals the projection found by bisection on the soft threshold', () => {
    const random = new Random('l1 bisection');
    const delta = random.normalTensor([8, 30], 0, 1);
    const projected = assertNoLeaks(() => normStrategy('l1').project(delta, 2));
    const expected = rows(delta.dataSync(), 30).map((r) => projectL1Bisection(r, 2));
    rows(projected.dataSync(), 30).forEach((row, i) =>
      row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 4)),
    );
    tf.dispose([delta, projected]);
  });
});

describe('registry', () => {
  it('names the known norms when asked for an unknown one', () => {
    expect(() => normStrategy('l3' as never)).toThrow(
      /unknown norm 'l3'; known norms: linf, l2, l1/,
    );
  });
});
