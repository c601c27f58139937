import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCifarRecords } from './cifar.js';
import { loadImageDataset } from './load-image-dataset.js';
import { cifarLabel, cifarPixel, cifarRecords, writeTinyCifar10 } from './test-support/tiny-cifar.js';

/** Checks image i of the set against record k's closed form (HWC, bytes / 255). */
function expectRecord(images: Float32Array, i: number, k: number): void {
  for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) for (let ch = 0; ch < 3; ch++) {
    const got = images[i * 3072 + (r * 32 + c) * 3 + ch];
    if (got !== Math.fround(cifarPixel(k, r, c, ch) / 255)) throw new Error(`image ${i} (record ${k}) at (${r}, ${c}, ${ch}): ${got}`);
  }
}

describe('CIFAR-10 binary', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-cifar-'));
  const dir = writeTinyCifar10(root);

  it('the test split: planar records become NHWC float pixels in [0, 1], with class names', async () => {
    const { set, description } = await loadImageDataset(root);
    expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([4, 32, 32, 3, 10]);
    for (let i = 0; i < 4; i++) expectRecord(set.images, i, 1000 + i);
    expect(Array.from(set.labels)).toEqual([0, 1, 2, 3].map((i) => cifarLabel(1000 + i, 10)));
    expect(description).toMatchObject({ kind: 'cifar-10', split: 'test', shape: [32, 32, 3], sourceRange: [0, 255], observedRange: [0, 255] });
    expect(description.labels.classNames?.[3]).toBe('cat');
  });

  it('the train split reads the five batches in order, and limit reads only what it needs', async () => {
    const train = await loadImageDataset(dir, { split: 'train' });
    expect(train.set.count).toBe(15);
    for (let i = 0; i < 15; i++) expectRecord(train.set.images, i, i);
    const seven = await loadImageDataset(dir, { split: 'train', limit: 7 });
    expect(seven.set.count).toBe(7);
    expect(Array.from(seven.set.labels)).toEqual(Array.from(train.set.labels.subarray(0, 7)));
    expectRecord(seven.set.images, 6, 6);
  });

  it('one .bin file can be named directly', async () => {
    const { set, description } = await loadImageDataset(join(dir, 'data_batch_2.bin'));
    expect(set.count).toBe(3);
    expectRecord(set.images, 0, 3);
    expect(description.kind).toBe('cifar-10');
  });

  it('resizes to a model input and converts to gray when asked', async () => {
    const { set, description } = await loadImageDataset(dir, { inputShape: [16, 16, 1], limit: 2 });
    expect([set.height, set.width, set.channels]).toEqual([16, 16, 1]);
    expect(description.resize).toMatchObject({ images: 2, from: ['32×32'], to: [16, 16] });
    expect(description.channels).toEqual({ from: [3], to: 1, conversion: ['luma (BT.601)'] });
  });

  it('a truncated batch and a missing batch are clear errors', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'liftguard-cifar-bad-'));
    writeTinyCifar10(broken);
    const batch = join(broken, 'cifar-10-batches-bin');
    writeFileSync(join(batch, 'test_batch.bin'), cifarRecords(0, 2, 'cifar-10').subarray(0, 5000));
    await expect(loadImageDataset(broken)).rejects.toThrow(/test_batch\.bin: is 5000 bytes, not a whole number of 3073-byte cifar-10 records \(truncated, or not cifar-10\)/);
    const missing = mkdtempSync(join(tmpdir(), 'liftguard-cifar-missing-'));
    writeFileSync(join(missing, 'test_batch.bin'), cifarRecords(0, 1, 'cifar-10'));
    await expect(loadImageDataset(missing, { split: 'train' })).rejects.toThrow(/is missing cifar-10 train files: data_batch_1\.bin, data_batch_2\.bin/);
  });

  it('a label outside 0..9 is refused', () => {
    const bytes = cifarRecords(0, 2, 'cifar-10');
    bytes[3073] = 10;
    expect(() => parseCifarRecords(bytes, 'cifar-10', 'b.bin')).toThrow(/b\.bin: record 1 has label 10, not a cifar-10 class in 0\.\.9/);
  });
});

describe('CIFAR-100 binary', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-cifar100-'));
  const dir = join(root, 'cifar-100-binary');
  mkdirSync(dir);
  writeFileSync(join(dir, 'train.bin'), cifarRecords(0, 5, 'cifar-100'));
  writeFileSync(join(dir, 'test.bin'), cifarRecords(500, 3, 'cifar-100'));

  it('fine labels by default, coarse on request', async () => {
    const fine = await loadImageDataset(root, { split: 'train' });
    expect(fine.set.numClasses).toBe(100);
    expect(Array.from(fine.set.labels)).toEqual([0, 1, 2, 3, 4].map((k) => cifarLabel(k, 100)));
    for (let i = 0; i < 5; i++) expectRecord(fine.set.images, i, i);
    const coarse = await loadImageDataset(root, { cifarLabels: 'coarse' });
    expect(coarse.set.numClasses).toBe(20);
    expect(Array.from(coarse.set.labels)).toEqual([500, 501, 502].map((k) => cifarLabel(k, 20)));
    expect(coarse.description.kind).toBe('cifar-100');
  });
});
