import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, assertNoLeaksAsync, initBackend, Random, type Classifier } from '@liftguard/tensor';
import { autoAttack } from '../auto-attack.js';
import { fgsm } from '../pgd.js';
import { runAttack } from '../run-attack.js';
import type { WorstCaseResult } from '../run-attacks.js';
import { randomLinear, uniformInputs } from '../test-support/fixtures.js';
import type { LinearClassifier } from '../test-support/linear-classifier.js';
import { QuantizedLinear } from '../test-support/quantized-linear.js';
import { TinyMlp } from '../test-support/tiny-mlp.js';
import { gradientMaskingChecks } from './gradient-masking-checks.js';
import { deadGradientRows } from './model-probes.js';

/** Wraps a classifier: `transform` acts on its logits (or, with `onInput`, on its input). */
function wrapped(inner: Classifier, transform: (t: tf.Tensor) => tf.Tensor, onInput = false): Classifier {
  return {
    inputShape: inner.inputShape,
    numClasses: inner.numClasses,
    trainableVariables: [],
    predict: (x: tf.Tensor) => tf.tidy(() => (onInput ? inner.predict(transform(x)) : transform(inner.predict(x)))) as tf.Tensor2D,
  };
}

const checksOf = (warnings: { check: string }[]) => [...new Set(warnings.map((w) => w.check))].sort();

let mlp: TinyMlp;
let x: tf.Tensor2D;
let labels: Int32Array;

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('masking checks');
  mlp = new TinyMlp([36, 32, 10], random);
  x = random.uniformTensor([40, 36], 0.2, 0.8) as tf.Tensor2D;
  // The model's own predictions as labels: clean accuracy 1, every drop is the attacks' doing.
  labels = Int32Array.from(tf.tidy(() => tf.argMax(mlp.predict(x), 1)).dataSync());
});

afterAll(() => {
  mlp.dispose();
  x.dispose();
});

describe('gradientMaskingChecks on real evaluations', () => {
  it('a plain MLP evaluated with the quick suite and FGSM triggers no check, and leaks nothing', async () => {
    await assertNoLeaksAsync(async () => {
      const run = { epsilons: [0.02, 0.05, 0.1], seed: 1, returnAdversarials: false } as const;
      const suite = await autoAttack(mlp, { x, labels }, { norm: 'linf', version: 'quick', ...run });
      const single = await runAttack(mlp, { x, labels }, fgsm({ norm: 'linf' }), run);
      expect(suite.robustAccuracy![2]).toBeLessThan(0.9); // the attacks did bite: the checks saw real numbers
      const warnings = gradientMaskingChecks({ suite, singleStep: [{ name: 'FGSM', result: single }], model: mlp, x, labels });
      expect(warnings).toEqual([]);
    });
  });

  it('a quantizing input layer (zero gradients) triggers the gradient, black-box and single-step checks', async () => {
    const random = new Random('masked');
    const linear: LinearClassifier = randomLinear(random, 36, 10);
    const masked = new QuantizedLinear(linear, 10);
    const inputs = uniformInputs(random, 40, 36, 0.2, 0.8);
    const own = Int32Array.from(tf.tidy(() => tf.argMax(masked.predict(inputs.x), 1)).dataSync());
    await assertNoLeaksAsync(async () => {
      const run = { epsilons: [0.1, 0.2], seed: 2, returnAdversarials: false } as const;
      const suite = await autoAttack(masked, { x: inputs.x, labels: own }, { norm: 'linf', version: 'quick', ...run });
      const single = await runAttack(masked, { x: inputs.x, labels: own }, fgsm({ norm: 'linf' }), run);
      const warnings = gradientMaskingChecks({ suite, singleStep: [{ name: 'FGSM', result: single }], model: masked, x: inputs.x, labels: own });
      // Round's gradient is zero everywhere: every sampled row is dead, and only Square breaks anything.
      const dead = warnings.find((w) => w.check === 'zero-or-nan-gradients')!;
      expect(dead.evidence.zeroGradientRows).toBe(40);
      // FGSM steps by sign(0) = 0: it returns x, so its robust accuracy is the clean one, 1.
      expect(single.robustAccuracy).toEqual([1, 1]);
      // APGD only gets its random starts; Square breaks more than either gradient stage.
      const [ce, targeted, bySquare] = suite.stages.map((s) => s.broken);
      // (At ε = 2 quantization steps APGD-T's nine random starts break some too; Square still breaks the most.)
      bySquare!.forEach((b, e) => expect(b).toBeGreaterThan(Math.max(ce![e]!, targeted![e]!)));
      expect(checksOf(warnings)).toEqual(expect.arrayContaining(['black-box-beats-white-box', 'single-step-much-weaker', 'zero-or-nan-gradients']));
      expect(checksOf(warnings)).not.toContain('randomized-predictions');
    });
    linear.dispose();
    inputs.x.dispose();
  });

  it('logits scaled by 1e4 saturate the softmax in float32: the gradient check fires, the closed form says where', () => {
    const scaled = wrapped(mlp, (z) => tf.mul(z, 1e4));
    assertNoLeaks(() => {
      const warnings = gradientMaskingChecks({ model: scaled, x, labels });
      expect(checksOf(warnings)).toEqual(['zero-or-nan-gradients']);
    });
    // Oracle: CE's gradient is softmax − onehot; it vanishes in float32 when every other class's
    // exp(1e4·(z_j − z_y)) underflows (gap·1e4 > 104, float32's smallest subnormal is e^−103.3).
    const gaps = tf.tidy(() => {
      const z = mlp.predict(x);
      return tf.sub(tf.max(z, 1), tf.max(tf.where(tf.cast(tf.oneHot(tf.argMax(z, 1), 10), 'bool'), tf.fill(z.shape, -Infinity), z), 1));
    });
    const surelyDead = Array.from(gaps.dataSync()).filter((g) => g * 1e4 > 110).length;
    gaps.dispose();
    expect(surelyDead).toBeGreaterThan(30);
    expect(deadGradientRows(scaled, x, labels).zero).toBeGreaterThanOrEqual(surelyDead);
    expect(deadGradientRows(mlp, x, labels)).toEqual({ zero: 0, nonFinite: 0 });
  });

  it('a randomized model triggers the randomness check; a softmax output the probability check', () => {
    const noisy = wrapped(mlp, (input) => tf.add(input, tf.randomNormal(input.shape, 0, 0.05)), true);
    const softmax = wrapped(mlp, (z) => tf.softmax(z));
    assertNoLeaks(() => {
      expect(checksOf(gradientMaskingChecks({ model: noisy, x, labels }))).toEqual(['randomized-predictions']);
      expect(checksOf(gradientMaskingChecks({ model: softmax, x }))).toEqual(['probability-outputs']);
    });
  });
});

/** A hand-built suite result: the result checks read only these fields. */
function suiteResult(robust: number[], squareBroken: number[], n = 400, clean = 0.95): WorstCaseResult {
  const stage = (name: string, broken: number[]) => ({ name, config: {}, attacked: broken.map(() => n), broken, robustAccuracy: robust, timingsMs: [] });
  return {
    epsilons: robust.map((_, i) => 0.1 * (i + 1)),
    robustAccuracy: robust,
    cleanAccuracy: clean,
    config: { attacks: [], run: { numExamples: n } },
    stages: [stage('apgd-ce', robust.map(() => 10)), stage('square', squareBroken)],
  } as unknown as WorstCaseResult;
}

describe('gradientMaskingChecks on results (closed-form thresholds)', () => {
  it('robust accuracy rising with ε by more than one example fires; by exactly one does not', () => {
    expect(gradientMaskingChecks({ suite: suiteResult([0.5, 0.5 + 1 / 400, 0.2], [0, 0, 0]) })).toEqual([]);
    const warnings = gradientMaskingChecks({ suite: suiteResult([0.5, 0.5 + 2 / 400, 0.2], [0, 0, 0]) });
    expect(checksOf(warnings)).toEqual(['non-monotone-in-epsilon']);
    expect(warnings[0]!.evidence).toMatchObject({ epsilonLow: 0.1, epsilonHigh: 0.2 });
  });

  it('Square breaking points after APGD fires above 2 examples and 0.5 % of all examples', () => {
    expect(gradientMaskingChecks({ suite: suiteResult([0.5, 0.4], [1, 2]) })).toEqual([]); // 2/400 = 0.5 %: not above
    const warnings = gradientMaskingChecks({ suite: suiteResult([0.5, 0.4], [0, 3]) });
    expect(warnings.map((w) => [w.check, w.evidence.epsilon, w.evidence.broken])).toEqual([['black-box-beats-white-box', 0.2, 3]]);
    // Square alone (no white-box stage before it) says nothing about gradients.
    const alone = suiteResult([0.5, 0.4], [0, 30]);
    alone.stages.shift();
    expect(gradientMaskingChecks({ suite: alone })).toEqual([]);
  });

  it('robust above clean fires; a single-step gap of more than 30 points fires, 30 does not', () => {
    expect(checksOf(gradientMaskingChecks({ suite: suiteResult([0.97, 0.5], [0, 0]) }))).toEqual(['robust-above-clean']);
    const suite = suiteResult([0.5, 0.2], [0, 0]);
    const fgsmAt = (robust: number[]) => ({ name: 'FGSM', result: { epsilons: [0.1, 0.2], robustAccuracy: robust, cleanAccuracy: 0.95 } });
    expect(gradientMaskingChecks({ suite, singleStep: [fgsmAt([0.8, 0.45])] })).toEqual([]);
    const warnings = gradientMaskingChecks({ suite, singleStep: [fgsmAt([0.81, 0.45])] });
    expect(warnings.map((w) => [w.check, w.evidence.epsilon])).toEqual([['single-step-much-weaker', 0.1]]);
  });

  it('refuses half a probe and a bad sample size with one-line errors', () => {
    expect(() => gradientMaskingChecks({ model: mlp })).toThrow(/model and x are given together/);
    expect(() => gradientMaskingChecks({}, { sampleSize: 0 })).toThrow(/sampleSize must be a positive integer, got 0/);
  });
});
