import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchIterator, imageSetTensors } from './batch-iterator.js';
import { loadDataset, type ImageSet } from './image-set.js';
import { tinyLabel, tinyPixel, writeTinyDataset } from './test-support/tiny-idx.js';

let set: ImageSet;

beforeAll(async () => {
  await initBackend({ quiet: true });
  set = (await loadDataset('mnist', { dataDir: writeTinyDataset({ count: 11, height: 2, width: 3 }) })).train;
});

function visit(iterator: BatchIterator, epoch: number): number[] {
  const seen: number[] = [];
  for (const batch of iterator.batches(epoch)) seen.push(...batch.indices);
  return seen;
}

describe('BatchIterator', () => {
  it('evaluation order is the set order, with a smaller last batch', () => {
    const iterator = new BatchIterator(set, { batchSize: 4 });
    const sizes = assertNoLeaks(() => [...iterator.batches()].map((b) => b.size));
    expect(sizes).toEqual([4, 4, 3]);
    expect(iterator.batchesPerEpoch).toBe(3);
    expect(visit(iterator, 0)).toEqual([...Array(11).keys()]);
    expect(visit(iterator, 5)).toEqual([...Array(11).keys()]);
  });

  it('batch tensors hold the images, int labels and one-hot rows at the batch indices', () => {
    assertNoLeaks(() => {
      for (const layout of ['flat', 'image'] as const) {
        for (const batch of new BatchIterator(set, { batchSize: 5, shuffle: true, seed: 3, layout })) {
          expect(batch.x.shape).toEqual(layout === 'flat' ? [batch.size, 6] : [batch.size, 2, 3, 1]);
          const x = tf.reshape(batch.x, [batch.size, 6]);
          const pixels = x.arraySync() as number[][];
          x.dispose();
          const labels = batch.labels.arraySync();
          const oneHot = batch.oneHot.arraySync();
          batch.indices.forEach((k, i) => {
            expect(pixels[i]!.map((v) => Math.round(v * 255))).toEqual([0, 1].flatMap((r) => [0, 1, 2].map((c) => tinyPixel(k, r, c))));
            expect(labels[i]).toBe(tinyLabel(k));
            expect(oneHot[i]!.indexOf(1)).toBe(tinyLabel(k));
            expect(oneHot[i]!.reduce((a, b) => a + b)).toBe(1);
          });
          expect(batch.labels.dtype).toBe('int32');
        }
      }
    });
  });

  it('shuffles every epoch into a permutation that depends only on seed and epoch', () => {
    const a = new BatchIterator(set, { batchSize: 3, shuffle: true, seed: 42 });
    const b = new BatchIterator(set, { batchSize: 3, shuffle: true, seed: 42 });
    const epoch0 = visit(a, 0);
    const epoch1 = visit(a, 1);
    expect([...epoch0].sort((x, y) => x - y)).toEqual([...Array(11).keys()]);
    expect([...epoch1].sort((x, y) => x - y)).toEqual([...Array(11).keys()]);
    expect(epoch1).not.toEqual(epoch0);
    // Skipping epoch 0 does not change epoch 1.
    expect(visit(b, 1)).toEqual(epoch1);
    expect(visit(new BatchIterator(set, { batchSize: 3, shuffle: true, seed: 43 }), 0)).not.toEqual(epoch0);
  });

  it('frees a batch when the loop breaks or throws', () => {
    const iterator = new BatchIterator(set, { batchSize: 2 });
    assertNoLeaks(() => {
      for (const batch of iterator.batches()) if (batch.size > 0) break;
    });
    assertNoLeaks(() => {
      expect(() => {
        for (const _ of iterator.batches()) throw new Error('stop');
      }).toThrow('stop');
    });
  });

  it('drops the remainder when asked', () => {
    const iterator = new BatchIterator(set, { batchSize: 4, dropRemainder: true });
    expect(assertNoLeaks(() => [...iterator.batches()].length)).toBe(2);
    expect(iterator.batchesPerEpoch).toBe(2);
  });

  it('rejects impossible settings', () => {
    expect(() => new BatchIterator(set, { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => new BatchIterator(set, { batchSize: 2, shuffle: true })).toThrow(/shuffle needs a seed/);
    expect(() => new BatchIterator(set, { batchSize: 2, layout: 'nchw' as never })).toThrow(/layout must be/);
    expect(() => new BatchIterator(set, { batchSize: 2 }).order(-1)).toThrow(/epoch must be a non-negative integer/);
  });
});

describe('imageSetTensors', () => {
  it('returns the whole set, owned by the caller', () => {
    const t = assertNoLeaks(() => imageSetTensors(set, 'image'));
    expect(t.x.shape).toEqual([11, 2, 3, 1]);
    const total = tf.sum(t.oneHot);
    expect(total.arraySync()).toBe(11);
    total.dispose();
    expect(Array.from(t.labels.dataSync())).toEqual(Array.from(set.labels));
    tf.dispose(t);
  });
});
