import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import * as tf from '@tensorflow/tfjs-core';
import { toInputTensor } from './input-tensor.js';
import { assertNoLeaks } from './memory.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('toInputTensor', () => {
  it('accepts nested arrays, flat typed arrays and tensors, all to the same float32 batch', () => {
    const nested = [[[[0], [1]], [[2], [3]]], [[[4], [5]], [[6], [7]]]];
    assertNoLeaks(() => {
      const a = toInputTensor(nested, [2, 2, 1]);
      const b = toInputTensor(Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]), [2, 2, 1]);
      const source = tf.tensor4d([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2, 1], 'int32');
      const c = toInputTensor(source, [2, 2, 1]);
      for (const t of [a, b, c]) {
        expect(t.shape).toEqual([2, 2, 2, 1]);
        expect(t.dtype).toBe('float32');
        expect(Array.from(t.dataSync())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      }
      tf.dispose([a, b, c, source]);
    });
  });

  it('refuses wrong shapes with expected vs got', () => {
    expect(() => toInputTensor([[1, 2], [3]], [2])).toThrow(/input\[1\] has shape \[1\], input\[0\] has \[2\]: nested arrays must be rectangular/);
    expect(() => toInputTensor(new Float32Array(10), [4])).toThrow(/flat input of 10 values is not a whole number of examples of 4 values \(\[batch, 4\]\)/);
    const rgb = tf.zeros([1, 4, 4, 3]);
    expect(() => toInputTensor(rgb, [4, 4, 1])).toThrow(/input has shape \[1, 4, 4, 3\], the model expects \[batch, 4, 4, 1\] \(channels: expected 1, got 3\)/);
    expect(() => toInputTensor([[[1]]], [2])).toThrow(/input has shape \[1, 1, 1\], the model expects \[batch, 2\]/);
    expect(() => toInputTensor([['a']] as unknown as number[], [1])).toThrow(/input\[0\]\[0\] is string/);
    rgb.dispose();
  });
});
