import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { assertNoLeaks } from '../memory.js';
import { installedFallbacks } from './install-fallbacks.js';

type Case = { shape: number[]; dtype: 'float32' | 'int32' | 'bool'; indices: number[][] | number[]; axis: number; batchDims: number };

/** Values and shape of one gather on a backend. */
async function gatherOn(backend: 'cpu' | 'wasm', c: Case): Promise<{ shape: number[]; values: number[] }> {
  await initBackend({ backend, quiet: true });
  return assertNoLeaks(() =>
    tf.tidy(() => {
      const size = c.shape.reduce((p, d) => p * d, 1);
      // Distinct values per position, so a wrong address shows.
      const data = Array.from({ length: size }, (_, i) => (c.dtype === 'bool' ? (i * 7) % 3 === 0 : c.dtype === 'int32' ? i * 3 - 50 : i * 0.25 - 7.5));
      const x = tf.tensor(data as never, c.shape, c.dtype);
      const out = tf.gather(x, tf.tensor(c.indices, undefined, 'int32'), c.axis, c.batchDims);
      return { shape: out.shape, values: Array.from(out.dataSync()) };
    }),
  );
}

const cases: Case[] = [
  // Rows of a batch (the attacks' use): long slices, repeated and unordered indices.
  { shape: [7, 28, 28, 1], dtype: 'float32', indices: [6, 0, 3, 3, 1], axis: 0, batchDims: 0 },
  // Short slices (values one by one), an inner axis, the last axis.
  { shape: [4, 5, 3], dtype: 'float32', indices: [4, 0, 2], axis: 1, batchDims: 0 },
  { shape: [3, 6], dtype: 'int32', indices: [5, 5, 0, 2], axis: 1, batchDims: 0 },
  { shape: [5, 8], dtype: 'bool', indices: [1, 4], axis: 0, batchDims: 0 },
  // Indices of rank 2 and batchDims 1 (a different index row per batch entry).
  { shape: [6, 10], dtype: 'float32', indices: [[0, 5], [2, 2]], axis: 0, batchDims: 0 },
  { shape: [3, 4, 5], dtype: 'float32', indices: [[3, 0], [1, 1], [2, 0]], axis: 1, batchDims: 1 },
];

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('GatherV2 on wasm as block copies in the heap', () => {
  it('is installed', () => {
    expect(installedFallbacks('wasm').map((f) => f.kernelName)).toContain('GatherV2');
  });

  it.each(cases)('equals the cpu backend: $shape $dtype axis $axis batchDims $batchDims', async (c) => {
    const [wasm, cpu] = [await gatherOn('wasm', c), await gatherOn('cpu', c)];
    expect(wasm.shape).toEqual(cpu.shape);
    expect(wasm.values).toEqual(cpu.values);
  });

  it('equals the closed form for picked rows', async () => {
    const { values, shape } = await gatherOn('wasm', { shape: [4, 3], dtype: 'float32', indices: [2, 0], axis: 0, batchDims: 0 });
    expect(shape).toEqual([2, 3]);
    // Value at (r, c) is (3r + c)·0.25 − 7.5.
    expect(values).toEqual([6, 7, 8, 0, 1, 2].map((i) => i * 0.25 - 7.5));
  });

  it('refuses an index out of range with the native message, leaking nothing', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], 'int32')))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
    expect(() => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([-1], 'int32')))).toThrow('is not in [0, 2]');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an empty index list gives an empty result', async () => {
    const { shape, values } = await gatherOn('wasm', { shape: [4, 3], dtype: 'float32', indices: [], axis: 0, batchDims: 0 });
    expect(shape).toEqual([0, 3]);
    expect(values).toEqual([]);
  });
});
