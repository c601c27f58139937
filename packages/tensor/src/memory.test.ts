import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { assertNoLeaks, assertNoLeaksAsync, replace, TensorLeakError, tensorCounts, withTensorScope } from './memory.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('leak assertions', () => {
  it('passes a function that disposes what it does not return, and hands back what it does', () => {
    const value = assertNoLeaks(() => tf.tidy(() => [tf.add(tf.ones([2]), tf.ones([2])), tf.zeros([1])]));
    expect(Array.from(value[0]!.dataSync())).toEqual([2, 2]);
    tf.dispose(value);
  });

  it('counts a returned view sharing its input buffer as returned, not leaked', () => {
    const x = tf.ones([2, 2]);
    const view = assertNoLeaks(() => tf.reshape(x, [4]));
    tf.dispose([x, view]);
  });

  it('names a function that leaks', () => {
    let kept: tf.Tensor | undefined;
    expect(() =>
      assertNoLeaks(() => {
        kept = tf.ones([3]);
        return 1;
      }, 'leaky step'),
    ).toThrow(new TensorLeakError('leaky step', { tensors: 1, dataBuffers: 1 }));
    kept!.dispose();
  });

  it('works across awaits', async () => {
    await expect(assertNoLeaksAsync(async () => {
      const t = tf.ones([2]);
      await t.data();
      t.dispose();
    })).resolves.toBeUndefined();
  });
});

describe('scopes for long loops', () => {
  it('frees tracked tensors except the kept ones', async () => {
    const before = tensorCounts().tensors;
    const kept = await withTensorScope(async (scope) => {
      let x = scope.track(tf.zeros([4]));
      for (let i = 0; i < 50; i++) x = replace(x, tf.add(x, 1));
      scope.track(tf.ones([4]));
      return scope.keep(x);
    });
    expect(tensorCounts().tensors).toBe(before + 1);
    expect(Array.from(kept.dataSync())).toEqual([50, 50, 50, 50]);
    kept.dispose();
  });
});
