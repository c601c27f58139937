import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, tensorEnvironment } from '@liftguard/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { adam, sgd } from './optimizers.js';

describe('adam', () => {
  it('follows the bias-corrected update in closed form over two steps', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, -2, 0.5])));
    const opt = adam([w], { learningRate: 0.1 });
    const g1 = [0.5, -3, 0];
    const g2 = [1, 1, 2];
    // Reference in float64: m, v moments, m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), w −= lr·m̂/(√v̂ + ε).
    const ref = [1, -2, 0.5];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    [g1, g2].forEach((g, step) => {
      const t = step + 1;
      for (let i = 0; i < 3; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
        ref[i]! -= (0.1 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(v[i]! / (1 - 0.999 ** t)) + 1e-8);
      }
      const grad = tf.tensor1d(g);
      assertNoLeaks(() => opt.step([grad]));
      grad.dispose();
      Array.from(w.dataSync()).forEach((value, i) => expect(value).toBeCloseTo(ref[i]!, 5));
    });
    opt.dispose();
    w.dispose();
  });
});

/** Three Adam steps on a 1,001-value variable on one backend; the values after each step. */
async function adamSteps(backend: 'cpu' | 'wasm'): Promise<{ steps: number[][]; kernel: boolean }> {
  await initBackend({ backend, quiet: true });
  const kernel = tf.getKernel('LiftGuardAdamStep', backend) !== undefined;
  const wave = (seed: number) => Array.from({ length: 1001 }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));
  const w = tf.tidy(() => tf.variable(tf.tensor2d(wave(1), [7, 143])));
  const opt = adam([w], { learningRate: 0.01 });
  const steps: number[][] = [];
  for (let t = 0; t < 3; t++) {
    const g = tf.tensor2d(wave(t + 2), [7, 143]);
    assertNoLeaks(() => opt.step([g]));
    g.dispose();
    steps.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return { steps, kernel };
}

describe('adam on wasm with the compiled step (@liftguard/tensor-blas)', () => {
  afterAll(async () => {
    await initBackend({ quiet: true });
  });

  it('equals the tensor formulation on cpu bit for bit (float32 operations in one order)', async () => {
    const cpu = await adamSteps('cpu');
    const wasm = await adamSteps('wasm');
    // CI builds the loops; elsewhere wasm may run the tensor formulation, which must agree as well.
    if (process.env.CI === 'true') expect(wasm.kernel, tensorEnvironment().summary).toBe(true);
    expect(cpu.kernel).toBe(false);
    wasm.steps.forEach((values, t) => expect(values, `step ${t + 1}`).toEqual(cpu.steps[t]));
  });
});

describe('sgd', () => {
  it('plain and momentum updates match their closed forms; the learning rate can change between steps', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1])));
    const opt = sgd([w], { learningRate: 0.5, momentum: 0.9 });
    const g = tf.tensor1d([2]);
    assertNoLeaks(() => opt.step([g]));
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.5 * 2, 6);
    opt.learningRate = 0.25;
    assertNoLeaks(() => opt.step([g]));
    // buf = 0.9·2 + 2 = 3.8.
    expect(w.dataSync()[0]).toBeCloseTo(0 - 0.25 * 3.8, 6);
    opt.dispose();
    expect(() => sgd([w], { momentum: 1 })).toThrow(/momentum must be in \[0, 1\)/);
    expect(() => adam([w], { learningRate: Number.NaN })).toThrow(/learningRate must be a positive finite number, got NaN/);
    tf.dispose([w, g]);
  });
});
