import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import {
  adversarialPool,
  adversarialSet,
  cuttingPlaneRecipe,
  logitViolations,
  selectAdversarialSet,
  type AdversarialPool,
} from './adversarial-set.js';
import { AttackInputError } from './errors.js';
import { argmax, randomLinear, uniformInputs } from './test-support/fixtures.js';
import type { LinearClassifier } from './test-support/linear-classifier.js';

const d = 8;
let model: LinearClassifier;
let x: tf.Tensor2D;
let xRows: number[][];
let labels: number[];

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('adversarial set');
  // Two classes: the cross-entropy gradient has a constant sign, so L∞ PGD with 40 steps of
  // 0.01 at ε = 0.1 ends exactly in the corner x + ε·sign(w_other − w_predicted).
  model = randomLinear(random, d, 2);
  // Inputs near 0 so that the corner leaves [0, 1] and clipping shows.
  ({ x, rows: xRows } = uniformInputs(random, 12, d, 0, 0.05));
  labels = xRows.map((_, i) => i % 2);
});

afterAll(() => {
  model.dispose();
  x.dispose();
});

/** The corner PGD must reach, in float64, optionally clipped to [0, 1]. */
function corner(i: number, clip: boolean): number[] {
  const predicted = argmax(model.logits(xRows[i]!));
  const direction = model.direction(1 - predicted, predicted);
  return xRows[i]!.map((v, j) => {
    const moved = v + cuttingPlaneRecipe.epsilon * Math.sign(direction[j]!);
    return clip ? Math.min(1, Math.max(0, moved)) : moved;
  });
}

describe('logitViolations', () => {
  it('is max_{j≠y} z_j − z_y per row (hand-computed)', () => {
    const logits = Float32Array.of(1, 3, 2, 5, 0, -1);
    expect([...logitViolations(logits, [1, 0], 3)]).toEqual([2 - 3, 0 - 5]);
    expect([...logitViolations(logits, [0, 2], 3)]).toEqual([3 - 1, 5 - -1]);
  });
});

describe('adversarialPool', () => {
  it.each([false, true])(
    'attacks predicted labels with the recipe: corner of the ε-box (clip %s), violations in float64',
    async (clip) => {
      const pool = await assertNoLeaksAsync(() =>
        adversarialPool(model, { x, labels }, { ...cuttingPlaneRecipe, clip }, { batchSize: 5 }),
      );
      expect(pool.inputShape).toEqual([d]);
      expect([...pool.labels]).toEqual(labels);
      for (let i = 0; i < labels.length; i++) {
        const row = [...pool.inputs.subarray(i * d, (i + 1) * d)];
        const expected = corner(i, clip);
        row.forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 5));
        const z = model.logits(row);
        expect(pool.violations[i]).toBeCloseTo(z[1 - labels[i]!]! - z[labels[i]!]!, 4);
      }
      // Without clipping the corner leaves the bounds (the authors' generator); with it, never.
      expect(Math.min(...pool.inputs) < 0).toBe(!clip);
      expect(pool.attack).toMatchObject({ norm: 'linf', steps: 40, randomStart: true });
      const correct = pool.violations.filter((v) => v < 0).length;
      expect(pool.robustAccuracy).toBeCloseTo(correct / labels.length, 10);
    },
  );
});

describe('selectAdversarialSet', () => {
  // Two classes; rows are [index, index] so the chosen rows name themselves.
  const pool: AdversarialPool = {
    inputs: Float32Array.from({ length: 12 }, (_, k) => Math.floor(k / 2)),
    inputShape: [2],
    labels: Int32Array.of(0, 1, 0, 1, 0, 1),
    violations: Float64Array.of(0.5, -0.2, 1.5, 0.3, -1, 0.1),
    robustAccuracy: 0.5,
    recipe: { ...cuttingPlaneRecipe },
    attack: {} as AdversarialPool['attack'],
    batchSize: 250,
    seconds: 0,
  };

  it('takes the k most violated per true class, most violated first', () => {
    const set = selectAdversarialSet(pool, 2, 2);
    expect(set.sourceIndices).toEqual([2, 0, 3, 5]);
    expect([...set.labels]).toEqual([0, 0, 1, 1]);
    expect(set.violations).toEqual([1.5, 0.5, 0.3, 0.1]);
    expect(set.x.shape).toEqual([4, 2]);
    expect([...set.x.dataSync()]).toEqual([2, 2, 0, 0, 3, 3, 5, 5]);
    expect(set.recipe).toMatchObject({
      epsilon: 0.1,
      perClass: 2,
      misclassifiedOnly: false,
      labels: 'predicted',
    });
    set.x.dispose();
  });

  it('misclassifiedOnly skips violations ≤ 0 and refuses a class with too few', () => {
    const all = selectAdversarialSet(pool, 3, 2);
    expect(all.sourceIndices).toEqual([2, 0, 4, 3, 5, 1]);
    all.x.dispose();
    expect(() => selectAdversarialSet(pool, 3, 2, { misclassifiedOnly: true })).toThrow(
      AttackInputError,
    );
    expect(() => selectAdversarialSet(pool, 3, 2, { misclassifiedOnly: true })).toThrow(
      /class 0 has 2 misclassified/,
    );
    expect(() => selectAdversarialSet(pool, 4, 2)).toThrow(/class 0 has 3 examples/);
    expect(() => selectAdversarialSet(pool, 0, 2)).toThrow(/perClass/);
  });

  it('classesPresentOnly skips a class absent from the pool, names it, and still refuses a present class with too few', () => {
    expect(() => selectAdversarialSet(pool, 2, 3)).toThrow(/class 2 has 0 examples/);
    const set = selectAdversarialSet(pool, 2, 3, { classesPresentOnly: true });
    expect(set.sourceIndices).toEqual([2, 0, 3, 5]);
    expect(set.recipe).toMatchObject({ skippedClasses: [2] });
    set.x.dispose();
    expect(() => selectAdversarialSet(pool, 4, 3, { classesPresentOnly: true })).toThrow(/class 0 has 3 examples/);
  });
});

describe('adversarialSet', () => {
  it('is the pool then the selection; the set is the only tensor left', async () => {
    const before = tf.memory().numTensors;
    const set = await adversarialSet(model, { x, labels }, 3);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(set.labels.length).toBe(6);
    const expected = selectAdversarialSet(await adversarialPool(model, { x, labels }), 3, 2);
    expect(set.sourceIndices).toEqual(expected.sourceIndices);
    expect(set.x.dataSync()).toEqual(expected.x.dataSync());
    tf.dispose([set.x, expected.x]);
  });
});
