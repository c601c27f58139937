import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { assertNoLeaks } from '../memory.js';
import { installedFallbacks } from './install-fallbacks.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('Identity on wasm shares the data instead of copying', () => {
  it('is installed', () => {
    expect(installedFallbacks('wasm').map((f) => f.kernelName)).toContain('Identity');
  });

  it('a clone outlives its source with the same values, allocates no bytes, and frees them with the last reference', () => {
    const before = tf.memory();
    const x = tf.tensor2d([1, -2, 3.5, 4, 5, 6], [2, 3]);
    const bytesWithX = tf.memory().numBytes;
    const copy = tf.clone(x);
    // The engine counts bytes per tensor; the backend holds one buffer, freed once both are gone.
    expect(tf.memory().numBytes).toBe(bytesWithX + x.size * 4);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, -2, 3.5, 4, 5, 6]);
    expect(copy.shape).toEqual([2, 3]);
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('tensors saved for a gradient (clones) give the same gradient, without leaks', () => {
    const x = tf.tensor1d([0.5, -1, 2, 7]);
    const g = assertNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clipByValue(v, 0, 6), v)))(x));
    // d/dv clip(v)·v = clip'(v)·v + clip(v): [0.5+0.5, 0+0, 2+2, 0+6]
    expect(Array.from(g.dataSync())).toEqual([1, 0, 4, 6]);
    tf.dispose([x, g]);
  });

  it('a variable assigned after a clone leaves the clone unchanged', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const copy = tf.clone(v);
    const nines = tf.tensor1d([9, 9, 9]);
    v.assign(nines);
    nines.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([9, 9, 9]);
    tf.dispose([v, copy]);
  });
});
