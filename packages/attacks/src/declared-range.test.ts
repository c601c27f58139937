// One threat model: without `bounds`, an attack clips to the range the model declares.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { argmax, randomLinear, uniformInputs } from './test-support/fixtures.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('the default bounds', () => {
  it("are the model's declared input range (pixels in [0, 255]), else [0, 1]", async () => {
    const random = new Random('declared range');
    const linear = randomLinear(random, 8, 3);
    // The same linear model, declaring 0–255 pixels.
    const model = Object.assign(Object.create(Object.getPrototypeOf(linear) as object) as object, linear, { inputRange: [0, 255] as const }) as typeof linear;
    const inputs = uniformInputs(random, 10, 8, 0, 255);
    const labels = inputs.rows.map((r) => argmax(linear.logits(r)));
    await assertNoLeaksAsync(async () => {
      const result = await runAttack(model, { x: inputs.x, labels }, pgd({ norm: 'linf', steps: 5 }), { epsilons: [64], seed: 0 });
      const values = result.clipped[0]!.dataSync();
      // An ε of 64 pixels from inputs spread over 0–255 must reach beyond [0, 1] yet stay in [0, 255].
      expect(Math.max(...values)).toBeGreaterThan(1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...values)).toBeLessThanOrEqual(255);
      expect(result.config.run.bounds).toEqual([0, 255]);
      tf.dispose([...result.raw, ...result.clipped]);
    });
    inputs.x.dispose();
  });
});
