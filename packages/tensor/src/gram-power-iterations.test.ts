import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { blasSummary, resumeBlas, suspendBlas } from './blas.js';
import { gramPowerIterations } from './gram-power-iterations.js';
import { assertNoLeaks } from './memory.js';
import { Random } from './random.js';

afterAll(async () => {
  await initBackend({ quiet: true });
});

/** The same recurrence in tensor ops: v ← K Kᵀ v / ‖K Kᵀ v‖ from the unit start. */
function tensorLoop(kernel: tf.Tensor2D, start: tf.Tensor2D, iterations: number): [Float32Array, number] {
  return tf.tidy(() => {
    let v = tf.div(start, tf.add(tf.norm(start), 1e-30)) as tf.Tensor2D;
    let squared = tf.scalar(0);
    for (let i = 0; i < iterations; i++) {
      const w = tf.matMul(tf.matMul(v, kernel), kernel, false, true);
      squared = tf.norm(w) as tf.Scalar;
      v = tf.div(w, tf.add(squared, 1e-30));
    }
    return [v.dataSync() as Float32Array, squared.dataSync()[0]!];
  });
}

describe('gramPowerIterations', () => {
  const random = new Random(8);

  it('is null where no backend kernel exists (cpu, and wasm without the compiled loops)', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const kernel = random.normalTensor([6, 4]) as tf.Tensor2D;
    const start = random.normalTensor([1, 6]) as tf.Tensor2D;
    expect(gramPowerIterations(kernel, start, 3)).toBeNull();
    tf.dispose([kernel, start]);
  });

  it('wasm with the compiled loops: one kernel, the tensor recurrence to float rounding, no leaks', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const compiled = blasSummary().loops === 'compiled loops';
    if (process.env.CI === 'true') expect(compiled).toBe(true);
    const kernel = random.normalTensor([128, 10]) as tf.Tensor2D;
    const start = random.normalTensor([1, 128]) as tf.Tensor2D;
    for (const iterations of [1, 3]) {
      const result = assertNoLeaks(() => gramPowerIterations(kernel, start, iterations));
      expect(result === null).toBe(!compiled);
      if (result === null) continue;
      const [vector, squared] = tensorLoop(kernel, start, iterations);
      expect(result.vector.shape).toEqual([1, 128]);
      expect(Math.abs(result.squared.dataSync()[0]! - squared)).toBeLessThan(1e-5 * squared);
      const v = result.vector.dataSync();
      expect(Math.max(...Array.from(v, (x, i) => Math.abs(x - vector[i]!)))).toBeLessThan(1e-5);
      tf.dispose([result.vector, result.squared]);
    }
    if (compiled) {
      suspendBlas();
      try {
        expect(gramPowerIterations(kernel, start, 3)).toBeNull();
      } finally {
        resumeBlas();
      }
      const wrong = tf.zeros([1, 5]) as tf.Tensor2D;
      expect(() => gramPowerIterations(kernel, wrong, 3)).toThrow(/start float32 \[1, in\]/);
      wrong.dispose();
      expect(() => gramPowerIterations(kernel, start, 0)).toThrow(/iterations must be an integer ≥ 1/);
    }
    tf.dispose([kernel, start]);
  });
});
