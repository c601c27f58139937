import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random } from '@liftguard/tensor';
import { runAttack } from '../run-attack.js';
import { pgd } from '../pgd.js';
import { apgd } from '../apgd/apgd.js';
import { dualNorm } from '../test-support/oracles.js';
import { argmax, randomLinear, uniformInputs } from '../test-support/fixtures.js';
import type { LinearClassifier } from '../test-support/linear-classifier.js';
import { QuantizedLinear } from '../test-support/quantized-linear.js';
import { square } from './square.js';

const d = 36;
let linear: LinearClassifier;
let model: QuantizedLinear;
let x: tf.Tensor2D;
let labels: number[];
let needs: number[];

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('masked gradients');
  linear = randomLinear(random, d, 2);
  model = new QuantizedLinear(linear, 10);
  const inputs = uniformInputs(random, 30, d, 0.2, 0.8);
  x = inputs.x;
  const quantized = inputs.rows.map((r) => model.quantize(r));
  labels = quantized.map((r) => argmax(linear.logits(r)));
  // ε that breaks the quantized point in the linear part (quantization may add or cost a step).
  needs = quantized.map((r, i) => {
    const z = linear.logits(r);
    const y = labels[i]!;
    return (z[y]! - z[1 - y]!) / dualNorm(linear.direction(1 - y, y), 'linf');
  });
});

afterAll(() => {
  linear.dispose();
  x.dispose();
});

describe('a quantizing input layer (zero gradients everywhere)', () => {
  it('defeats PGD and APGD-CE, while Square breaks what the closed form breaks with slack', async () => {
    const epsilon = 0.15;
    const options = { epsilons: [epsilon], seed: 4, returnAdversarials: false };
    const byPgd = await runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 40 }), options);
    const byApgd = await runAttack(
      model,
      { x, labels },
      apgd({ norm: 'linf', steps: 40 }),
      options,
    );
    const bySquare = await runAttack(
      model,
      { x, labels },
      square({ norm: 'linf', queries: 500 }),
      options,
    );
    const count = (success: boolean[]) => success.filter(Boolean).length;
    // Quantization to steps of 0.1 moves a coordinate by at most 0.05 beyond ε: require margin for it.
    const breakable = needs.map((n) => n < 0.5 * (epsilon - 0.05));
    expect(breakable.filter(Boolean).length).toBeGreaterThan(5);
    breakable.forEach((b, i) => {
      if (b) expect(bySquare.success[0]![i]).toBe(true);
    });
    expect(count(byPgd.success[0]!)).toBeLessThan(0.5 * count(bySquare.success[0]!));
    expect(count(byApgd.success[0]!)).toBeLessThan(0.5 * count(bySquare.success[0]!));
  });
});
