import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random, tensorCounts } from '@liftguard/tensor';
import { pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { runAttacks } from './run-attacks.js';
import { normNames } from './norms/registry.js';
import { randomLinear, uniformInputs } from './test-support/fixtures.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('memory across long PGD runs', () => {
  it.each(normNames)(
    '%s: 100 steps × 2 restarts in batches leave only the returned tensors',
    async (norm) => {
      const random = new Random(`leaks ${norm}`);
      const model = randomLinear(random, 12, 3);
      const inputs = uniformInputs(random, 10, 12);
      const before = tensorCounts();
      const result = await assertNoLeaksAsync(() =>
        runAttack(
          model,
          { x: inputs.x, labels: new Array<number>(10).fill(0) },
          pgd({ norm, steps: 100, restarts: 2 }),
          {
            epsilons: [0.3],
            batchSize: 5,
          },
        ),
      );
      expect(tensorCounts().tensors - before.tensors).toBe(2);
      tf.dispose([...result.raw, ...result.clipped]);
      const worst = await assertNoLeaksAsync(() =>
        runAttacks(
          model,
          { x: inputs.x, labels: new Array<number>(10).fill(1) },
          [pgd({ norm, steps: 20 }), pgd({ norm, steps: 20, loss: 'margin' })],
          {
            epsilons: [0.1, 0.3],
            batchSize: 3,
          },
        ),
      );
      tf.dispose(worst.clipped);
      expect(tensorCounts()).toEqual(before);
      tf.dispose(inputs.x);
      model.dispose();
    },
  );
});
