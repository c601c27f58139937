import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { attackInternalLayers } from './internal-layer.js';
import { fgsm, pgd } from './pgd.js';
import { TinyMlp } from './test-support/tiny-mlp.js';
import { rows } from './test-support/oracles.js';

let network: TinyMlp;
let x: tf.Tensor2D;
let labels: number[];

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('internal layers');
  // Two classes: from the last hidden layer the logit gap is linear, so its robustness is closed-form.
  network = new TinyMlp([6, 16, 12, 2], random);
  x = random.uniformTensor([60, 6]) as tf.Tensor2D;
  const logits = network.predict(x);
  labels = Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync());
  // Flip a few labels so clean accuracy is not trivially 1.
  for (let i = 0; i < 60; i += 10) labels[i] = 1 - labels[i]!;
  logits.dispose();
});
afterAll(() => {
  network.dispose();
  x.dispose();
});

describe('internal-layer attacks', () => {
  it('match the closed-form robust accuracy on the last hidden layer (linear to the logits)', async () => {
    const rhos = [0, 0.05, 0.1, 0.2, 0.5];
    const result = await assertNoLeaksAsync(() =>
      attackInternalLayers(network, x, labels, {
        rhos,
        attack: pgd({ norm: 'l2', stepSize: { relativeToEpsilon: 0.25 } }),
      }),
    );
    const last = result.layers.find((l) => l.layer === 2)!;
    const [z] = network.activities(x).slice(1);
    const zRows = rows(z!.dataSync(), 12);
    const meanNorm = zRows.reduce((s, r) => s + Math.hypot(...r), 0) / zRows.length;
    expect(last.meanActivityNorm).toBeCloseTo(meanNorm, 4);
    // Closed form: example i survives ρ iff it is correct and its gap over ‖w_y − w_other‖₂ exceeds ε.
    const w = rows(network['weights'][2]!.dataSync(), 2);
    const b = Array.from(network['biases'][2]!.dataSync());
    const robustAt = (epsilon: number) =>
      zRows.filter((row, i) => {
        const y = labels[i]!;
        const gap = [0, 1].map((c) => b[c]! + row.reduce((s, v, j) => s + v * w[j]![c]!, 0));
        const direction = w.map((r) => r[y]! - r[1 - y]!);
        return (gap[y]! - gap[1 - y]!) / Math.hypot(...direction) > epsilon;
      }).length / zRows.length;
    rhos.forEach((rho, e) => {
      const epsilon = rho * meanNorm;
      expect(last.robustAccuracy[e]).toBeLessThanOrEqual(robustAt(epsilon * (1 - 1e-3)) + 1e-9);
      expect(last.robustAccuracy[e]).toBeGreaterThanOrEqual(robustAt(epsilon * (1 + 1e-3)) - 1e-9);
    });
    expect(result.layers.map((l) => l.layer)).toEqual([1, 2]);
    expect(result.layers[0]!.robustAccuracy[0]).toBe(result.cleanAccuracy);
    expect(result.cleanAccuracy).toBeCloseTo(0.9, 10);
    expect(result.gradient).toEqual({ source: 'forward-pass', declared: false });
    expect(result.config).toMatchObject({ rhos, layers: [1, 2], numExamples: 60 });
    z!.dispose();
  });

  it('never do better than accuracy allows: robust accuracy ≤ clean accuracy on every layer', async () => {
    const result = await attackInternalLayers(network, x, labels, {
      rhos: [0.1, 0.3],
      attack: pgd({ norm: 'l2', steps: 10 }),
    });
    for (const layer of result.layers)
      for (const a of layer.robustAccuracy) expect(a).toBeLessThanOrEqual(result.cleanAccuracy);
  });

  it('refuse non-L2 attacks, negative ρ and unknown layers', async () => {
    await expect(
      attackInternalLayers(network, x, labels, { rhos: [0.1], attack: fgsm({ norm: 'linf' }) }),
    ).rejects.toThrow(/defined in L2/);
    await expect(attackInternalLayers(network, x, labels, { rhos: [-0.1] })).rejects.toThrow(
      /ρ must be finite and ≥ 0/,
    );
    await expect(
      attackInternalLayers(network, x, labels, { rhos: [0.1], layers: [3] }),
    ).rejects.toThrow(/layer 3 is not in 1..2/);
  });
});
