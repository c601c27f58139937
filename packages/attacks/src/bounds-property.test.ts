import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random } from '@liftguard/tensor';
import { fgsm, pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { normNames } from './norms/registry.js';
import { lpNorm, rows } from './test-support/oracles.js';
import { argmax, randomLinear, uniformInputs } from './test-support/fixtures.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe.each(normNames)('%s attacks on random models and inputs', (norm) => {
  it('never leave the ε-ball or the bounds, raw or clipped (FGSM, PGD, restarts, both losses)', async () => {
    const random = new Random(`bounds ${norm}`);
    for (let trial = 0; trial < 3; trial++) {
      const d = 5 + random.int(20);
      const model = randomLinear(random, d, 2 + random.int(6));
      const inputs = uniformInputs(random, 6, d);
      const labels = inputs.rows.map((r) => argmax(model.logits(r)));
      const scale = norm === 'linf' ? 0.3 : norm === 'l2' ? 1.5 : 4;
      const epsilons = [0, scale * random.next(), scale * random.next()];
      const attacks = [
        fgsm({ norm }),
        pgd({ norm, steps: 7, loss: trial % 2 ? 'margin' : 'cross-entropy' }),
        pgd({ norm, steps: 3, restarts: 2, stepSize: { absolute: scale } }),
      ];
      for (const attack of attacks) {
        const result = await runAttack(model, { x: inputs.x, labels }, attack, {
          epsilons,
          seed: trial,
        });
        epsilons.forEach((epsilon, e) => {
          for (const adversarial of [result.raw[e]!, result.clipped[e]!]) {
            rows(adversarial.dataSync(), d).forEach((row, i) => {
              const delta = row.map((v, j) => v - inputs.rows[i]![j]!);
              expect(lpNorm(delta, norm)).toBeLessThanOrEqual(epsilon * (1 + 1e-5) + 1e-6);
              for (const v of row) {
                expect(v).toBeGreaterThanOrEqual(0);
                expect(v).toBeLessThanOrEqual(1);
              }
            });
          }
        });
        tf.dispose([...result.raw, ...result.clipped]);
      }
      inputs.x.dispose();
      model.dispose();
    }
  });
});
