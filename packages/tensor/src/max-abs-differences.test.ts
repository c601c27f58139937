import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { blasSummary, resumeBlas, suspendBlas } from './blas.js';
import { maxAbsDifferences } from './max-abs-differences.js';
import { assertNoLeaks } from './memory.js';
import { Random } from './random.js';

const rng = new Random(5);
const shapes = [[7, 13], [50, 128], [3]];
const pairs = shapes.map((shape) => {
  const n = shape.reduce((p, d) => p * d, 1);
  return [rng.normalArray(n), rng.normalArray(n)] as const;
});

/** The closed form in float32: |fround(a − b)|, largest of each pair. */
const expected = pairs.map(([a, b]) => a.reduce((m, v, i) => Math.max(m, Math.abs(Math.fround(v - b[i]!))), 0));

function run(values: readonly (readonly [Float32Array, Float32Array])[] = pairs): Float32Array {
  let out: Float32Array = new Float32Array(0);
  assertNoLeaks(() => {
    const tensors = values.map(([a, b], i) => [tf.tensor(a, shapes[i]), tf.tensor(b, shapes[i])] as const);
    out = maxAbsDifferences(tensors);
    tf.dispose(tensors.flat());
  });
  return out;
}

afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('maxAbsDifferences', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: max |a − b| per pair equals the float32 closed form exactly, without leaks`, async () => {
      await initBackend({ backend, quiet: true });
      expect(Array.from(run())).toEqual(expected.map(Math.fround));
    });
  }

  it('wasm: the compiled kernel (when the loops are loaded) and the tensor ops agree bit for bit, NaN and ∞ included', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const compiled = tf.getKernel('LiftGuardMaxAbsDifferences', 'wasm') !== undefined;
    expect(compiled).toBe(blasSummary().loops === 'compiled loops');
    if (process.env.CI === 'true') expect(compiled).toBe(true);
    const special = pairs.map(([a, b]) => [Float32Array.from(a), Float32Array.from(b)] as const);
    special[0]![0][40] = NaN;
    special[1]![1][6399] = Infinity;
    const withKernel = [run(), run(special)];
    suspendBlas();
    try {
      expect(tf.getKernel('LiftGuardMaxAbsDifferences', 'wasm')).toBeUndefined();
      expect([run(), run(special)]).toEqual(withKernel);
    } finally {
      resumeBlas();
    }
    expect(Number.isNaN(withKernel[1]![0])).toBe(true);
    expect(withKernel[1]![1]).toBe(Infinity);
    expect(withKernel[1]![2]).toBe(Math.fround(expected[2]!));
  });

  it('refuses pairs of different shapes and empty tensors, and returns nothing for no pairs', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([3, 2]);
    const empty = tf.zeros([0, 3]);
    expect(() => maxAbsDifferences([[a, a], [a, b]])).toThrow('maxAbsDifferences: pair 1 has shapes [2,3] and [3,2]');
    expect(() => maxAbsDifferences([[empty, empty]])).toThrow('maxAbsDifferences: pair 0 is empty');
    expect(maxAbsDifferences([])).toEqual(new Float32Array(0));
    tf.dispose([a, b, empty]);
  });
});
