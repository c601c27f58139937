import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { attackInternalLayers } from './internal-layer.js';
import { apgdTargeted } from './apgd/apgd.js';
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

  it('absolute budgets: a 4-class linear layer-to-logit map matches the closed-form minimal L2 perturbation', async () => {
    // From the last hidden layer the logits are W z + b; example i is broken within ε iff
    // min_{j≠y} (s_y − s_j)/‖w_y − w_j‖₂ ≤ ε (the distance to the nearest of the halfspaces s_j ≥ s_y).
    // An untargeted ascent can stall at another class's face (a convex margin has one local
    // maximum per class on the ball), so the attack targets every wrong class in turn (APGD-T).
    const random = new Random('internal layers, absolute');
    const net = new TinyMlp([5, 10, 8, 4], random);
    const inputs = random.uniformTensor([80, 5]) as tf.Tensor2D;
    const [, z] = net.activities(inputs);
    const zRows = rows(z!.dataSync(), 8);
    const w = rows(net['weights'][2]!.dataSync(), 4);
    const b = Array.from(net['biases'][2]!.dataSync());
    const classes = [0, 1, 2, 3];
    const scores = zRows.map((row) => classes.map((c) => b[c]! + row.reduce((s, v, j) => s + v * w[j]![c]!, 0)));
    const predicted = scores.map((s) => s.indexOf(Math.max(...s)));
    const y = predicted.map((p, i) => (i % 8 === 0 ? (p + 1) % 4 : p));
    const distance = scores.map((s, i) => {
      const yi = y[i]!;
      if (predicted[i] !== yi) return -1;
      return Math.min(...classes.filter((c) => c !== yi).map((c) => (s[yi]! - s[c]!) / Math.hypot(...w.map((r) => r[yi]! - r[c]!))));
    });
    const robustAt = (epsilon: number) => distance.filter((d) => d > epsilon).length / distance.length;
    const sorted = distance.filter((d) => d > 0).sort((a, c) => a - c);
    // Radii halfway between two examples' distances: the attack has slack, the oracle no ties.
    const between = (q: number) => (sorted[Math.floor(q * sorted.length)]! + sorted[Math.floor(q * sorted.length) + 1]!) / 2;
    const epsilons = [0, between(0.25), between(0.5), 2 * sorted[sorted.length - 1]!];
    const result = await assertNoLeaksAsync(() =>
      attackInternalLayers(net, inputs, y, { epsilons, layers: [2], attack: apgdTargeted({ norm: 'l2', steps: 50, targetClasses: 3 }) }),
    );
    const layer = result.layers[0]!;
    const meanNorm = zRows.reduce((s, r) => s + Math.hypot(...r), 0) / zRows.length;
    expect(layer.epsilons).toEqual(epsilons);
    layer.rhos.forEach((rho, e) => expect(rho).toBeCloseTo(epsilons[e]! / meanNorm, 5));
    expect(result.config).toMatchObject({ budget: 'absolute', rhos: [], epsilons, layers: [2] });
    epsilons.forEach((epsilon, e) => {
      expect(layer.robustAccuracy[e]).toBeCloseTo(robustAt(epsilon), 10);
    });
    expect(layer.robustAccuracy[3]).toBe(0);
    expect(layer.robustAccuracy[0]).toBe(result.cleanAccuracy);
    tf.dispose([inputs, z!]);
    net.dispose();
  });

  it('absolute ε equals relative ρ = ε / mean‖z*_k‖₂ on every layer', async () => {
    const relative = await attackInternalLayers(network, x, labels, { rhos: [0.1, 0.3], attack: pgd({ norm: 'l2', steps: 10, randomStart: false }) });
    for (const layer of relative.layers) {
      const absolute = await attackInternalLayers(network, x, labels, { epsilons: layer.epsilons, layers: [layer.layer], attack: pgd({ norm: 'l2', steps: 10, randomStart: false }) });
      expect(absolute.layers[0]!.robustAccuracy).toEqual(layer.robustAccuracy);
      absolute.layers[0]!.rhos.forEach((rho, e) => expect(rho).toBeCloseTo(layer.rhos[e]!, 6));
    }
    expect(relative.config).toMatchObject({ budget: 'relative', epsilons: null });
  });

  it('refuse both or neither of rhos and epsilons, and negative ε', async () => {
    await expect(attackInternalLayers(network, x, labels, { rhos: [0.1], epsilons: [1] })).rejects.toThrow(/exactly one of rhos/);
    await expect(attackInternalLayers(network, x, labels, {})).rejects.toThrow(/exactly one of rhos/);
    await expect(attackInternalLayers(network, x, labels, { epsilons: [Number.NaN] })).rejects.toThrow(/every ε must be finite and ≥ 0/);
    await expect(attackInternalLayers(network, x, labels, { epsilons: [] })).rejects.toThrow(/no ε values/);
  });
});
