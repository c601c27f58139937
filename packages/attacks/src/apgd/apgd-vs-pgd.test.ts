import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random } from '@liftguard/tensor';
import { runAttack } from '../run-attack.js';
import { pgd } from '../pgd.js';
import { argmax, randomLinear, uniformInputs } from '../test-support/fixtures.js';
import { TinyMlp } from '../test-support/tiny-mlp.js';
import { apgd } from './apgd.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('APGD-CE with 100 steps is never weaker than PGD-100', () => {
  it.each(['linf', 'l2'] as const)('%s: on a tiny MLP and a linear model, per ε', async (norm) => {
    const random = new Random(`apgd vs pgd ${norm}`);
    const models = [new TinyMlp([20, 32, 32, 5], random), randomLinear(random, 20, 5)];
    const inputs = uniformInputs(random, 60, 20);
    const epsilons = norm === 'linf' ? [0.03, 0.06, 0.1] : [0.1, 0.25, 0.5];
    for (const model of models) {
      const labels = inputs.rows.map((_, i) => {
        const logits = model.predict(tf.slice(inputs.x, i, 1));
        const label = argmax(Array.from(logits.dataSync()));
        logits.dispose();
        return label;
      });
      const options = { epsilons, seed: 3, returnAdversarials: false };
      const strong = await runAttack(model, { x: inputs.x, labels }, apgd({ norm }), options);
      const baseline = await runAttack(
        model,
        { x: inputs.x, labels },
        pgd({ norm, steps: 100 }),
        options,
      );
      strong.robustAccuracy!.forEach((accuracy, e) =>
        expect(accuracy).toBeLessThanOrEqual(baseline.robustAccuracy![e]!),
      );
      model.dispose();
    }
    inputs.x.dispose();
  });
});
