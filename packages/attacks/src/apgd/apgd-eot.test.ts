import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { createAttack } from '../attack-registry.js';
import { autoAttack, autoAttackList } from '../auto-attack.js';
import { AttackConfigError } from '../errors.js';
import { checkRandomizedPredictions } from '../masking/model-probes.js';
import { defaultMaskingThresholds } from '../masking/masking-warning.js';
import { runAttack } from '../run-attack.js';
import { NoisyLinearClassifier } from '../test-support/noisy-linear.js';
import { apgd } from './apgd.js';
import { eotLossAndGradient } from './eot-gradient.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('expectation over transformation: the averaged gradient', () => {
  // d inputs, 3 classes, W standard normal, weight noise σ: one pass's gradient of z₁ − z₀ is
  // Δw + σ(ξ₁ − ξ₀), K passes average the noise to variance 2σ²/K per coordinate.
  const d = 200;
  const sigma = 3;
  const random = new Random('eot gradient');
  const weights = Float32Array.from({ length: d * 3 }, () => random.normal());
  let model: NoisyLinearClassifier;
  beforeAll(() => {
    model = new NoisyLinearClassifier(weights, [0, 0, 0], sigma, 0, 'eot gradient noise');
  });
  afterAll(() => model.dispose());

  it('approaches the expected gradient w₁ − w₀ as the samples grow, within the bound from the variance', () => {
    const rows = 8;
    const expected = model.direction(1, 0);
    const expectedNormSquared = expected.reduce((s, v) => s + v * v, 0);
    const margin = (logits: tf.Tensor2D) => tf.tidy(() => {
      const [z0, z1] = tf.split(tf.slice(logits, [0, 0], [-1, 2]), 2, 1);
      return tf.reshape(tf.sub(z1!, z0!), [-1]) as tf.Tensor1D;
    });
    const meanCosines: number[] = [];
    assertNoLeaks(() => {
      const z = random.uniformTensor([rows, d], 0, 1);
      const seed = tf.ones([rows]);
      for (const samples of [1, 4, 16, 64, 256]) {
        const { grad, loss } = eotLossAndGradient(model, margin, z, seed, samples);
        const g = grad.dataSync();
        grad.dispose();
        expect(loss.every(Number.isFinite)).toBe(true);
        const cosines = Array.from({ length: rows }, (_, r) => cosine(g.subarray(r * d, (r + 1) * d), expected));
        meanCosines.push(cosines.reduce((s, c) => s + c, 0) / rows);
        // The mean's noise n has E‖n‖² = 2σ²d/K; ‖n‖² ≤ 4·E‖n‖² = r² except with vanishing probability
        // (χ² with d = 200 degrees of freedom), and a vector within r of Δw has cosine ≥ √(1 − r²/‖Δw‖²).
        const r2 = (4 * 2 * sigma * sigma * d) / samples;
        if (r2 < expectedNormSquared) for (const c of cosines) expect(c).toBeGreaterThanOrEqual(Math.sqrt(1 - r2 / expectedNormSquared));
      }
      tf.dispose([z, seed]);
    });
    for (let k = 1; k < meanCosines.length; k++) expect(meanCosines[k]!).toBeGreaterThan(meanCosines[k - 1]!);
    // E[cos] ≈ 1/√(1 + σ²/K) here (‖Δw‖² ≈ 2d): about 0.32 for one pass, 0.98 for 256.
    expect(meanCosines[0]!).toBeLessThan(0.5);
    expect(meanCosines[4]!).toBeGreaterThan(0.95);
  });

  it('one sample is the plain gradient: the same numbers as without the option', () => {
    const plain = new NoisyLinearClassifier(weights, [0, 0, 0], 0, 0, 'no noise');
    assertNoLeaks(() => {
      const z = random.uniformTensor([4, d], 0, 1);
      const seed = tf.ones([4]);
      const objective = (logits: tf.Tensor2D) => tf.max(logits, 1) as tf.Tensor1D;
      const one = eotLossAndGradient(plain, objective, z, seed, 1);
      const many = eotLossAndGradient(plain, objective, z, seed, 5);
      // A deterministic model: the mean of 5 identical passes is the single pass (up to rounding).
      const a = one.grad.dataSync();
      const b = many.grad.dataSync();
      for (let i = 0; i < a.length; i++) expect(b[i]!).toBeCloseTo(a[i]!, 5);
      for (let i = 0; i < 4; i++) expect(many.loss[i]!).toBeCloseTo(one.loss[i]!, 4);
      expect(Array.from(many.predicted)).toEqual(Array.from(one.predicted));
      tf.dispose([one.grad, many.grad, z, seed]);
    });
    plain.dispose();
  });
});

describe("autoAttack version 'rand' on a randomized model", () => {
  // Inputs at the centre c (clean logits noise-free, clean accuracy 100 %), label 0, class 2 never
  // predicted. Per coordinate |w₀ − w₁| = g = 1 and the weight noise is σ = 4g, so one pass's
  // gradient sign is right with probability Φ(g/(σ√2)) ≈ 0.57 and a 20-pass mean's with
  // Φ(g√20/(σ√2)) ≈ 0.79. An L∞ step along those signs lowers the margin z₀ − z₁ by about
  // gεd(2q − 1): 0.14·gεd from one pass, 0.57·gεd with EOT, against a clean margin of 0.35·gεd.
  // The judging pass adds noise of std σ√2·ε√d ≈ 0.14·gεd (d = 1,600): EOT ends ≈ 1.6 std below the
  // boundary, plain APGD-CE ≈ 1.5 std above it, so 'rand' must leave fewer examples robust.
  const d = 1600;
  const epsilon = 0.1;
  const n = 16;
  const signs = new Random('rand signs');
  const weights = new Float32Array(d * 3);
  for (let i = 0; i < d; i++) {
    const s = signs.next() < 0.5 ? -0.5 : 0.5;
    weights[i * 3] = s;
    weights[i * 3 + 1] = -s;
  }
  const cleanMargin = 0.35 * epsilon * d;
  const bias = [cleanMargin, 0, -1000];
  const fresh = () => new NoisyLinearClassifier(weights, bias, 4, 0.5, 'rand model noise');
  const x = () => tf.fill([n, d], 0.5);
  const labels = new Int32Array(n);

  it("lists APGD-CE and APGD-DLR with 20 EOT samples and one restart, as the reference", () => {
    expect(autoAttackList('linf', 'rand')).toEqual([
      { name: 'apgd', options: { norm: 'linf', loss: 'cross-entropy', steps: 100, restarts: 1, eotSamples: 20 } },
      { name: 'apgd', options: { norm: 'linf', loss: 'dlr', steps: 100, restarts: 1, eotSamples: 20 } },
    ]);
  });

  it("leaves no more examples robust than APGD-CE without EOT (same seed); seeded runs are identical; no leaks", async () => {
    await assertNoLeaksAsync(async () => {
      const inputs = x();
      const plainModel = fresh();
      const plain = await runAttack(plainModel, { x: inputs, labels }, apgd({ norm: 'linf', loss: 'cross-entropy', steps: 100, restarts: 1 }), { epsilons: [epsilon], seed: 0, returnAdversarials: false });
      plainModel.dispose();
      const randModel = fresh();
      const rand = await autoAttack(randModel, { x: inputs, labels }, { norm: 'linf', version: 'rand', epsilons: [epsilon], seed: 0 });
      randModel.dispose();
      // Seeded: the same model seed and run seed give the same points (a short EOT run keeps this fast).
      const repeats = [];
      for (let k = 0; k < 2; k++) {
        const model = fresh();
        repeats.push(await runAttack(model, { x: inputs, labels }, apgd({ norm: 'linf', steps: 10, eotSamples: 4 }), { epsilons: [epsilon], seed: 3 }));
        model.dispose();
      }
      inputs.dispose();
      expect(rand.cleanAccuracy).toBe(1);
      expect(rand.stages.map((s) => s.name)).toEqual(['apgd-ce', 'apgd-dlr']);
      expect(rand.robustAccuracy![0]!).toBeLessThanOrEqual(plain.robustAccuracy![0]!);
      // The argument above: plain APGD-CE keeps most, 'rand' breaks most (measured: 100 % and 0 %).
      expect(plain.robustAccuracy![0]!).toBeGreaterThan(0.5);
      expect(rand.robustAccuracy![0]!).toBeLessThan(0.5);
      const [first, second] = repeats as [typeof repeats[0], typeof repeats[0]];
      expect(second.robustAccuracy).toEqual(first.robustAccuracy);
      expect(Array.from(second.clipped[0]!.dataSync())).toEqual(Array.from(first.clipped[0]!.dataSync()));
      tf.dispose([...plain.raw, ...plain.clipped, ...rand.clipped, ...first.raw, ...first.clipped, ...second.raw, ...second.clipped]);
    });
  }, 60_000);

  it('the randomness check points to version rand', () => {
    const model = fresh();
    const inputs = tf.fill([4, d], 0.6);
    const warnings = checkRandomizedPredictions(model, inputs, defaultMaskingThresholds);
    expect(warnings[0]?.message).toContain("version: 'rand'");
    tf.dispose([inputs]);
    model.dispose();
  });
});

describe('the eotSamples option', () => {
  it('is validated by the factory and the registry schema', () => {
    expect(apgd({ norm: 'linf' }).config.eotSamples).toBe(1);
    expect(apgd({ norm: 'linf', eotSamples: 20 }).config.eotSamples).toBe(20);
    for (const bad of [0, 1.5, -3, 'many'])
      expect(() => apgd({ norm: 'linf', eotSamples: bad as number })).toThrow(/eotSamples must be an integer/);
    expect(() => createAttack('apgd', { norm: 'linf', eotSamples: 0 })).toThrow(AttackConfigError);
    expect(() => createAttack('apgd-t', { norm: 'linf', eotSamples: 2.5 })).toThrow(/eotSamples/);
    expect(createAttack('apgd-t', { norm: 'l2', eotSamples: 3 }).config['eotSamples']).toBe(3);
  });
});
