import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { blasSummary, resumeBlas, suspendBlas } from './blas.js';
import { linfProjectedStep } from './linf-projected-step.js';
import { assertNoLeaks } from './memory.js';
import { Random } from './random.js';

afterAll(async () => {
  await initBackend({ quiet: true });
});

/** The tensor composition the kernel replaces (@liftguard/attacks' PGD loop with the L∞ norm). */
function composed(current: tf.Tensor, gradient: tf.Tensor, x: tf.Tensor, step: number, epsilon: number, bounds: [number, number] | null): Float32Array {
  return tf.tidy(() => {
    const moved = tf.add(current, tf.mul(tf.sign(gradient), step));
    const r = tf.add(x, tf.clipByValue(tf.sub(moved, x), -epsilon, epsilon));
    return (bounds ? tf.clipByValue(r, bounds[0], bounds[1]) : r).dataSync() as Float32Array;
  });
}

describe('linfProjectedStep', () => {
  const random = new Random(21);

  it('wasm with the compiled loops: equals the tensor composition bit for bit, with and without bounds, no leaks', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const compiled = blasSummary().loops === 'compiled loops';
    if (process.env.CI === 'true') expect(compiled).toBe(true);
    const x = random.uniformTensor([13, 28, 28, 1], 0, 1);
    const current = tf.clipByValue(tf.add(x, random.uniformTensor([13, 28, 28, 1], -0.12, 0.12)), 0, 1);
    const gradient = tf.mul(random.normalTensor([13, 28, 28, 1]), tf.cast(tf.greater(random.uniformTensor([13, 28, 28, 1], 0, 1), 0.1), 'float32'));
    for (const bounds of [[0, 1], null] as const) {
      const result = assertNoLeaks(() => linfProjectedStep(current, gradient, x, 0.025, 0.1, bounds));
      expect(result === null).toBe(!compiled);
      if (result === null) continue;
      expect(Array.from(result.dataSync())).toEqual(Array.from(composed(current, gradient, x, 0.025, 0.1, bounds ? [...bounds] : null)));
      result.dispose();
    }
    if (compiled) {
      suspendBlas();
      try {
        expect(linfProjectedStep(current, gradient, x, 0.025, 0.1, [0, 1])).toBeNull();
      } finally {
        resumeBlas();
      }
    }
    const int = tf.zeros([13, 28, 28, 1], 'int32');
    expect(linfProjectedStep(int, gradient, x, 0.025, 0.1, [0, 1])).toBeNull();
    tf.dispose([x, current, gradient, int]);
  });

  it('is null on cpu (no such kernel)', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const x = tf.zeros([2, 3]);
    expect(linfProjectedStep(x, x, x, 0.1, 0.1, [0, 1])).toBeNull();
    x.dispose();
  });
});
