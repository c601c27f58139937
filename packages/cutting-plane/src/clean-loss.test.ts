import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, meanCrossEntropy } from './clean-loss.js';
import { predictLogits } from './labeled-set.js';
import { blobs, TinyLinear } from './test-support/tiny-classifiers.js';

beforeAll(() => initBackend({ quiet: true }));

/** A seeded linear classifier (5 inputs, 4 classes) and 7 labeled blobs; `done` frees both. */
function linearFixture() {
  const model = new TinyLinear(5, 4, 3);
  const data = blobs(4, 7, 5, 4);
  const done = () => {
    model.dispose();
    data.x.dispose();
  };
  return { model, data, done };
}

/** Independent oracle: mean of logsumexp(z) − z_y in Float64 from the logits. */
function float64CrossEntropy(logits: Float32Array, labels: Int32Array, k: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const z = Array.from(logits.subarray(i * k, i * k + k));
    const max = Math.max(...z);
    total += max + Math.log(z.reduce((s, v) => s + Math.exp(v - max), 0)) - z[labels[i]!]!;
  }
  return total / labels.length;
}

describe('meanCrossEntropy', () => {
  it('equals the Float64 mean of logsumexp(z) − z_y, whatever the batch size', () => {
    const { model, data, done } = linearFixture();
    const expected = float64CrossEntropy(predictLogits(model, data.x), data.labels, 4);
    for (const batchSize of [2, 3, 256]) {
      const value = assertNoLeaks(() => meanCrossEntropy(model, data, batchSize));
      expect(Math.abs(value - expected) / expected).toBeLessThan(1e-5);
    }
    done();
  });

  it('is 0 on an empty set', () => {
    const { model, done } = linearFixture();
    const empty = blobs(4, 0, 5, 4);
    expect(assertNoLeaks(() => meanCrossEntropy(model, empty))).toBe(0);
    empty.x.dispose();
    done();
  });
});

describe('crossEntropy (deprecated)', () => {
  it('equals the Float64 oracle on host logits, log(k) on equal logits, 0 without labels', () => {
    const { model, data, done } = linearFixture();
    const logits = predictLogits(model, data.x);
    const expected = float64CrossEntropy(logits, data.labels, 4);
    const value = assertNoLeaks(() => crossEntropy(logits, data.labels, 4));
    expect(Math.abs(value - expected) / expected).toBeLessThan(1e-5);
    expect(crossEntropy(new Float32Array(8), [0, 3], 4)).toBeCloseTo(Math.log(4), 6);
    expect(crossEntropy(new Float32Array(0), [], 4)).toBe(0);
    done();
  });
});
