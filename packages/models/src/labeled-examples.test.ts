import { describe, expect, it } from 'vitest';
import { accuracy } from './labeled-examples.js';
import { SequentialClassifier } from './sequential-classifier.js';

describe('accuracy', () => {
  it('counts examples whose largest logit is the label, across batch boundaries', () => {
    // Identity weights: the logits are the inputs, so the predicted class is the larger coordinate.
    const model = new SequentialClassifier({ inputShape: [2], layers: [{ type: 'dense', units: 2 }] }, [Float32Array.from([1, 0, 0, 1]), new Float32Array(2)]);
    const images = Float32Array.from([1, 0, 0, 1, 3, 2, 0.1, 0.2, 5, 4]);
    const labels = Int32Array.from([0, 1, 1, 1, 1]);
    // Predictions 0, 1, 0, 1, 0 → 3 of 5 right.
    expect(accuracy(model, { images, labels, count: 5 }, 2)).toBe(0.6);
    expect(() => accuracy(model, { images, labels, count: 4 })).toThrow(/accuracy: 4 examples of input shape \[2\] need 8 values, got 10/);
    model.dispose();
  });
});
