import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { attackObjective } from '../objectives/registry.js';
import { TinyMlp } from '../test-support/tiny-mlp.js';
import { apgdRun } from './apgd-run.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('APGD dropping the examples that reached the goal', () => {
  // Every example's trajectory depends on its own row only, so stepping the broken ones on (the
  // reference) or not must break exactly the same examples at the same steps, and leave the
  // others with the same best loss.
  for (const norm of ['linf', 'l2'] as const) {
    it(`${norm}: breaks the same examples as stepping every example, with the same best losses elsewhere`, () => {
      const random = new Random(`drop ${norm}`);
      const model = new TinyMlp([20, 32, 5], random);
      const x = random.uniformTensor([60, 20], 0, 1);
      const labelValues = Int32Array.from({ length: 60 }, (_, i) => i % 5);
      const labels = tf.tensor1d(labelValues, 'int32');
      assertNoLeaks(() => {
        const run = (dropReached: boolean) =>
          apgdRun({
            model,
            x,
            objective: (logits, rows) => tf.tidy(() => attackObjective(logits, rows === null ? labels : (tf.gather(labels, rows) as tf.Tensor1D), 'cross-entropy', false)),
            reached: (p, i) => p !== labelValues[i],
            norm,
            epsilon: norm === 'linf' ? 0.08 : 0.1,
            bounds: [0, 1],
            steps: 30,
            rho: 0.75,
            dropReached,
            random: new Random('same start'),
          });
        const dropped = run(true);
        const stepped = run(false);
        const broken = Array.from(dropped.success).filter(Boolean).length;
        // A case where both outcomes occur.
        expect(broken).toBeGreaterThan(5);
        expect(broken).toBeLessThan(55);
        expect(Array.from(dropped.success)).toEqual(Array.from(stepped.success));
        dropped.success.forEach((s, i) => {
          if (!s) expect(dropped.bestLoss[i]!).toBeCloseTo(stepped.bestLoss[i]!, 4);
        });
        tf.dispose([dropped.best, dropped.adversarial, stepped.best, stepped.adversarial]);
      });
      tf.dispose([x, labels]);
      model.dispose();
    });
  }
});
