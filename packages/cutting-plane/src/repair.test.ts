import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutMatrix } from './cut-matrix.js';
import { DualQpSolver } from './dual-qp-solver.js';
import type { CutProblem } from './qp-problem.js';
import { HighsQpSolver } from './highs-qp-solver.js';
import { predictLogits } from './labeled-set.js';
import { readParameters, selectParameters, writeParameters } from './parameters.js';
import { repairClassifier } from './repair.js';
import { blobs, TinyMlp } from './test-support/tiny-classifiers.js';

const classes = 3;
let model: TinyMlp;
let original: Float32Array;
let adversarial: { x: tf.Tensor2D; labels: Int32Array };
let clean: { x: tf.Tensor2D; labels: Int32Array };
let validation: { x: tf.Tensor2D; labels: Int32Array };

beforeAll(async () => {
  await initBackend({ quiet: true });
  model = new TinyMlp(4, 8, classes, 3);
  original = readParameters(model.trainableVariables);
  // Wide blobs: many points sit on the wrong side of the untrained model's boundaries.
  adversarial = blobs(4, 12, 4, classes, 2.5);
  clean = blobs(5, 60, 4, classes);
  validation = blobs(6, 60, 4, classes);
});

afterAll(() => {
  model.dispose();
  tf.dispose([adversarial.x, clean.x, validation.x]);
});

function restore(): void {
  writeParameters(model.trainableVariables, original);
}

describe('repairClassifier', () => {
  it('last-layer repair is an exact convex QP: one round satisfies every constraint and equals HiGHS', async () => {
    restore();
    const margin = 0.1;
    const result = await assertNoLeaksAsync(() =>
      repairClassifier({
        classifier: model,
        parameters: { lastVariables: 2 },
        adversarial,
        validation,
        form: 'perClass',
        cutThreshold: Infinity,
        cleanLoss: false,
        margin,
        maxIterations: 3,
        omega: 1,
        // The paper's cut g ≤ 0 on the boundary: the QP the HiGHS oracle below solves.
        overshoot: 0,
      }),
    );
    expect(result.trace).toHaveLength(1);
    expect(result.stopReason).toBe('feasible');
    expect(result.chosen.iteration).toBe(1);
    // On the real network every z_j − z_y + δ ≤ 0 (float32 logits).
    const logits = predictLogits(model, adversarial.x);
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < classes; j++) {
        if (j !== adversarial.labels[i])
          expect(
            logits[i * classes + j]! - logits[i * classes + adversarial.labels[i]!]! + margin,
          ).toBeLessThanOrEqual(1e-4);
      }
    }
    // Independent oracle: the affine constraints from the hidden features, solved by HiGHS.
    restore();
    const hidden = model.hidden(adversarial.x);
    const h = hidden.arraySync();
    hidden.dispose();
    const baseLogits = predictLogits(model, adversarial.x);
    const width = 8 * classes + classes;
    const rows: Float32Array[] = [];
    const rhs: number[] = [];
    for (let i = 0; i < 12; i++) {
      const y = adversarial.labels[i]!;
      for (let j = 0; j < classes; j++) {
        if (j === y) continue;
        const row = new Float32Array(width);
        for (let k = 0; k < 8; k++) {
          row[k * classes + j] = h[i]![k]!;
          row[k * classes + y] = -h[i]![k]!;
        }
        row[8 * classes + j] = 1;
        row[8 * classes + y] = -1;
        rows.push(row);
        rhs.push(-(baseLogits[i * classes + j]! - baseLogits[i * classes + y]! + margin));
      }
    }
    const highs = await HighsQpSolver.create({
      formulation: 'primal',
      highsOptions: { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 },
    });
    const reference = await highs.solve({
      cuts: new CutMatrix(width, rows),
      rhs: Float64Array.from(rhs),
    });
    expect(reference.status).toBe('optimal');
    const lastLayer = original.subarray(original.length - width);
    const scale = Math.max(...reference.x!.map(Math.abs));
    result.parameters.forEach((w, p) =>
      expect(Math.abs(w - lastLayer[p]! - reference.x![p]!)).toBeLessThan(
        1e-5 * Math.max(1, scale),
      ),
    );
    restore();
  });

  it('repairs all parameters of a nonlinear MLP over iterations, leak-free, with a consistent trace', async () => {
    restore();
    const result = await assertNoLeaksAsync(() =>
      repairClassifier({
        classifier: model,
        adversarial,
        clean,
        validation,
        maxIterations: 10,
        omega: 1,
      }),
    );
    const [first] = result.pool;
    expect(first!.iteration).toBe(0);
    expect(first!.parameters).toEqual(original);
    expect(first!.violatedCount).toBeGreaterThan(0);
    expect(result.chosen.violation).toBeLessThan(0.25 * first!.violation);
    expect(result.pool).toHaveLength(
      result.trace.filter((t) => t.qpStatus === 'optimal').length + 1,
    );
    let cuts = 0;
    for (const entry of result.trace) {
      cuts += entry.cutsAdded - entry.cutsDropped;
      expect(entry.cuts).toBe(cuts);
      expect(entry.qpStatus).toBe('optimal');
      expect(entry.kkt!.ok).toBe(true);
      expect(entry.gradientMs).toBeGreaterThan(0);
      // The solver's own phases split the solve time (DualQpSolver reports gram and kkt always).
      expect(entry.solvePhases.gram).toBeGreaterThanOrEqual(0);
      expect(entry.solvePhases.kkt).toBeGreaterThanOrEqual(0);
      const phaseSum = Object.values(entry.solvePhases).reduce((a, b) => a + b, 0);
      expect(phaseSum).toBeLessThanOrEqual(entry.solveMs + 1e-6);
    }
    // The classifier holds the chosen candidate.
    expect(readParameters(model.trainableVariables)).toEqual(result.parameters);
    // The chosen point is on the Pareto front (ω = 1 minimizes violation).
    expect(result.paretoFront.map((c) => c.index)).toContain(result.chosen.index);
    restore();
  });

  it('adds the clean-loss cut at every iterate when asked, and can leave the original parameters in place', async () => {
    restore();
    const result = await repairClassifier({
      classifier: model,
      adversarial,
      clean,
      validation,
      maxIterations: 5,
      cleanLoss: { tolerance: 0.05, cut: 'always' },
      leave: 'original',
    });
    expect(result.originalCleanLoss).toBeGreaterThan(0);
    expect(result.trace.every((t) => t.cutsAdded >= 1)).toBe(true);
    expect(readParameters(model.trainableVariables)).toEqual(original);
  });

  it('solves contradictory cuts as soft cuts', async () => {
    restore();
    // The same input with two different labels: z_0 − z_1 + δ ≤ 0 and z_1 − z_0 + δ ≤ 0 cannot both hold.
    const x = tf.tile(tf.slice(adversarial.x, 0, 1), [2, 1]);
    const result = await repairClassifier({
      classifier: model,
      parameters: { lastVariables: 2 },
      adversarial: { x, labels: [0, 1] },
      validation,
      cleanLoss: false,
      form: 'perClass',
      cutThreshold: Infinity,
      maxIterations: 1,
    });
    x.dispose();
    expect(result.trace[0]!.soft).toBe(true);
    expect(result.trace[0]!.qpStatus).toBe('optimal');
    expect(result.trace[0]!.kkt!.ok).toBe(true);
    // Phases of the infeasible hard solve and the soft one are summed.
    expect(Object.keys(result.trace[0]!.solvePhases)).toContain('activeSet');
    restore();
  });

  it('drops accumulated cuts that hold with slack at the current iterate', async () => {
    restore();
    const result = await repairClassifier({
      classifier: model,
      adversarial,
      validation,
      cleanLoss: false,
      maxIterations: 6,
      dropSatisfiedCuts: { slack: 0 },
    });
    expect(result.trace.some((t) => t.cutsDropped > 0)).toBe(true);
    let cuts = 0;
    for (const entry of result.trace) {
      cuts += entry.cutsAdded - entry.cutsDropped;
      expect(entry.cuts).toBe(cuts);
    }
    restore();
  });

  it('refuses an objective the solver does not handle, and a clean constraint without data', async () => {
    await expect(
      repairClassifier({
        classifier: model,
        adversarial,
        validation,
        objective: 'l1',
        cleanLoss: false,
      }),
    ).rejects.toThrow(/l1/);
    await expect(repairClassifier({ classifier: model, adversarial, validation })).rejects.toThrow(
      /clean/,
    );
    await expect(
      repairClassifier({
        classifier: model,
        adversarial: { x: adversarial.x, labels: [0] },
        validation,
        cleanLoss: false,
      }),
    ).rejects.toThrow(/labels/);
  });

  it('leaves the original parameters in place when a solve throws', async () => {
    restore();
    // Succeeds once (the classifier moves to w¹), then crashes.
    const inner = new DualQpSolver();
    let calls = 0;
    const broken = {
      name: 'broken',
      objectives: ['l2'] as const,
      solve: async (problem: CutProblem) => {
        if (calls++ > 0) throw new Error('solver crashed');
        return inner.solve(problem);
      },
    };
    await expect(
      repairClassifier({
        classifier: model,
        adversarial,
        validation,
        cleanLoss: false,
        solver: broken,
      }),
    ).rejects.toThrow(/crashed/);
    expect(calls).toBe(2);
    expect(readParameters(model.trainableVariables)).toEqual(original);
  });

  it('selects parameters by name and by position', () => {
    const [, b1, w2, b2] = model.trainableVariables;
    expect(selectParameters(model, { lastVariables: 2 })).toEqual([w2, b2]);
    expect(selectParameters(model, { names: [b1!.name] })).toEqual([b1]);
    expect(() => selectParameters(model, { names: ['nope'] })).toThrow(/nope/);
    expect(() => selectParameters(model, { lastVariables: 5 })).toThrow();
  });

  it('stops at an abort between iterations, choosing among the candidates so far', async () => {
    restore();
    const controller = new AbortController();
    controller.abort();
    const before = await assertNoLeaksAsync(() =>
      repairClassifier({ classifier: model, adversarial, validation, cleanLoss: false, maxIterations: 10, signal: controller.signal }),
    );
    expect(before.stopReason).toBe('interrupted');
    expect(before.stoppedEarly).toBe(true);
    expect(before.trace).toHaveLength(0);
    expect(before.pool).toHaveLength(1);
    expect(Array.from(readParameters(model.trainableVariables))).toEqual(Array.from(original));

    restore();
    const during = new AbortController();
    const result = await assertNoLeaksAsync(() =>
      repairClassifier({ classifier: model, adversarial, validation, cleanLoss: false, maxIterations: 10, signal: during.signal, onIteration: () => during.abort() }),
    );
    expect(result.trace).toHaveLength(1);
    expect(['interrupted', 'feasible', 'stalled', 'solver-failed']).toContain(result.stopReason);
    expect(result.stoppedEarly).toBe(result.stopReason === 'interrupted');
    // What the variables hold is the chosen candidate, a complete iterate.
    expect(Array.from(readParameters(model.trainableVariables))).toEqual(Array.from(result.parameters));
    restore();
  });
});
