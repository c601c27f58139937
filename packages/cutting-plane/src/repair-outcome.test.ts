import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseCandidate, type Candidate } from './candidate-pool.js';
import { predictLogits } from './labeled-set.js';
import { readParameters, writeParameters } from './parameters.js';
import type { IterationTrace } from './repair.js';
import { repairClassifier } from './repair.js';
import { repairOutcome } from './repair-outcome.js';
import { blobs, TinyMlp } from './test-support/tiny-classifiers.js';

const classes = 3;
let model: TinyMlp;
let original: Float32Array;
let adversarial: { x: tf.Tensor2D; labels: Int32Array };
let validation: { x: tf.Tensor2D; labels: Int32Array };

beforeAll(async () => {
  await initBackend({ quiet: true });
  model = new TinyMlp(4, 8, classes, 3);
  original = readParameters(model.trainableVariables);
  adversarial = blobs(4, 12, 4, classes, 2.5);
  // Validation = the points w̄ classifies correctly, so E(w̄) = 0 and ω = 0 prefers w̄.
  const pool = blobs(6, 60, 4, classes);
  const logits = predictLogits(model, pool.x);
  const right = [...pool.labels.keys()].filter((i) => argmax(logits, i) === pool.labels[i]);
  validation = {
    x: tf.tidy(() => tf.gather(pool.x, Int32Array.from(right))) as tf.Tensor2D,
    labels: Int32Array.from(right, (i) => pool.labels[i]!),
  };
  tf.dispose(pool.x);
});

afterAll(() => {
  model.dispose();
  tf.dispose([adversarial.x, validation.x]);
});

function argmax(logits: Float32Array, i: number): number {
  let best = 0;
  for (let j = 1; j < classes; j++) if (logits[i * classes + j]! > logits[i * classes + best]!) best = j;
  return best;
}

/** Largest z_j − z_y over wrong classes j, per adversarial example, at the current parameters. */
function gaps(): number[] {
  const logits = predictLogits(model, adversarial.x);
  return [...adversarial.labels].map((y, i) =>
    Math.max(...[...Array(classes).keys()].filter((j) => j !== y).map((j) => logits[i * classes + j]! - logits[i * classes + y]!)),
  );
}

// Last-layer repair of the MLP: every margin is affine in the moving parameters, so the
// feasible set is known exactly and one round of per-class cuts reaches it.
const lastLayer = {
  parameters: { lastVariables: 2 },
  form: 'perClass' as const,
  cutThreshold: Infinity,
  cleanLoss: false as const,
  maxIterations: 3,
};

describe('repair outcome', () => {
  it('feasible-first: every margin holds, with the overshoot as slack, and the outcome says feasible', async () => {
    writeParameters(model.trainableVariables, original);
    const margin = 0.1;
    const result = await assertNoLeaksAsync(() =>
      repairClassifier({ classifier: model, adversarial, validation, margin, overshoot: 0.5, omega: 0, ...lastLayer }),
    );
    expect(result.pool[0]!.violatedCount).toBeGreaterThan(0);
    // The cuts are exact here, so the step lands on g ≤ −overshoot·δ: margin 1.5·δ.
    for (const gap of gaps()) expect(gap + 1.5 * margin).toBeLessThanOrEqual(1e-4);
    expect(result.outcome).toMatchObject({ reason: 'feasible', violated: 0, satisfied: 12, examples: 12, feasibleIteration: 1 });
    expect(result.outcome.violatedBefore).toBe(result.pool[0]!.violatedCount);
    expect(result.chosen.iteration).toBe(1);
  });

  it('an overshoot of κ at margin δ takes the same step as no overshoot at margin (1 + κ)·δ', async () => {
    writeParameters(model.trainableVariables, original);
    const a = await repairClassifier({ classifier: model, adversarial, validation, margin: 0.1, overshoot: 0.5, ...lastLayer, leave: 'original' });
    const b = await repairClassifier({ classifier: model, adversarial, validation, margin: 0.15, overshoot: 0, ...lastLayer, leave: 'original' });
    const scale = Math.max(1, ...b.parameters.map(Math.abs));
    a.parameters.forEach((w, p) => expect(Math.abs(w - b.parameters[p]!)).toBeLessThan(1e-5 * scale));
  });

  it("'score' with ω = 0 keeps w̄ (validation error 0) and the outcome blames selection", async () => {
    writeParameters(model.trainableVariables, original);
    const result = await repairClassifier({ classifier: model, adversarial, validation, select: 'score', omega: 0, ...lastLayer });
    expect(result.pool[0]!.cleanError).toBe(0);
    expect(result.pool[1]!.violatedCount).toBe(0);
    expect(result.chosen.iteration).toBe(0);
    expect(result.outcome).toMatchObject({ reason: 'selection', feasibleIteration: 1, violated: result.pool[0]!.violatedCount });
    expect(result.outcome.explanation).toMatch(/chose iteration 0 over iteration 1/);
    // The classifier holds w̄ again.
    expect(readParameters(model.trainableVariables)).toEqual(original);
  });

  it('contradictory examples (one input, two labels) make the cuts infeasible, and the outcome says so', async () => {
    writeParameters(model.trainableVariables, original);
    const x = tf.tidy(() => tf.concat([tf.slice(adversarial.x, [0, 0], [1, 4]), tf.slice(adversarial.x, [0, 0], [1, 4])]) as tf.Tensor2D);
    const contradictory = { x, labels: Int32Array.from([0, 1]) };
    const result = await repairClassifier({ classifier: model, adversarial: contradictory, validation, ...lastLayer, form: 'max', cutThreshold: 0, leave: 'original' });
    tf.dispose(x);
    // z_1 − z_0 + δ ≤ 0 and z_0 − z_1 + δ ≤ 0 add up to 2δ ≤ 0: no point meets both.
    expect(result.trace.some((t) => t.soft)).toBe(true);
    expect(result.outcome.reason).toBe('infeasible-cuts');
    expect(result.outcome.violated).toBeGreaterThanOrEqual(1);
  });
});

describe('repairOutcome', () => {
  const candidate = (iteration: number, violatedCount: number): Candidate => ({
    index: iteration, iteration, violation: violatedCount, violatedCount, cleanError: 0.1, cleanLoss: undefined, changeNorm: iteration, parameters: new Float32Array(0),
  });
  const step = (iteration: number, soft = false) => ({ iteration, soft, qpStatus: 'optimal' }) as IterationTrace;
  const pool = [candidate(0, 5), candidate(1, 3), candidate(2, 2)];

  it('names the loop limit when no candidate met every margin', () => {
    for (const stopReason of ['max-iterations', 'stalled', 'solver-failed', 'interrupted'] as const) {
      const outcome = repairOutcome({ examples: 5, pool, chosen: pool[2]!, trace: [step(0), step(1)], stopReason, select: 'feasible-first' });
      expect(outcome).toMatchObject({ reason: stopReason, violated: 2, satisfied: 3, violatedBefore: 5, feasibleIteration: undefined });
    }
    const soft = repairOutcome({ examples: 5, pool, chosen: pool[2]!, trace: [step(0, true), step(1)], stopReason: 'max-iterations', select: 'score' });
    expect(soft.reason).toBe('infeasible-cuts');
    expect(soft.explanation).toMatch(/^2 of 5 adversarial examples still violate the margin: the cut set was infeasible at 1 of 2 iterations/);
  });

  it('says when the chosen point meets every margin but not the clean-loss bound', () => {
    const chosen = { ...candidate(3, 0), cleanLoss: 0.3 };
    const over = repairOutcome({ examples: 5, pool: [...pool, chosen], chosen, trace: [], stopReason: 'max-iterations', select: 'feasible-first', cleanLossBound: 0.25 });
    expect(over).toMatchObject({ reason: 'feasible', violated: 0, satisfied: 5, feasibleIteration: 3 });
    expect(over.explanation).toMatch(/clean loss 0\.3000 is above its bound 0\.2500\.$/);
    const within = repairOutcome({ examples: 5, pool: [...pool, chosen], chosen, trace: [], stopReason: 'feasible', select: 'feasible-first', cleanLossBound: 0.35 });
    expect(within.explanation).not.toMatch(/bound/);
  });
});

describe('chooseCandidate', () => {
  const at = (index: number, violatedCount: number, cleanError: number, cleanLoss: number): Candidate => ({
    index, iteration: index, violation: violatedCount, violatedCount, cleanError, cleanLoss, changeNorm: index, parameters: new Float32Array(0),
  });
  // w̄ (best E), a margin-feasible point over the loss bound (next-best E), a fully feasible one.
  const pool = [at(0, 4, 0.1, 1), at(1, 0, 0.12, 2), at(2, 0, 0.15, 1.04)];

  it('feasible first: every constraint, then every margin, then the pool; score: the pool', () => {
    expect(chooseCandidate(pool, 0.4, 'feasible-first', 1.05)).toBe(2);
    expect(chooseCandidate(pool, 0.4, 'feasible-first', 1.01)).toBe(1);
    expect(chooseCandidate(pool.slice(0, 1), 0.4, 'feasible-first', 1.05)).toBe(0);
    // ω = 0 on the pool: E alone, w̄ wins.
    expect(chooseCandidate(pool, 0, 'score', 1.05)).toBe(0);
  });
});
