import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IdxFormatError } from './idx.js';
import { loadDataset, loadImageSet, sliceImageSet } from './image-set.js';
import { tinyLabel, tinyPixel, writeTinyDataset } from './test-support/tiny-idx.js';

describe('loadDataset on tiny generated files', () => {
  for (const gzip of [false, true]) {
    it(`reads ${gzip ? 'gzip' : 'raw'} files as float32 pixels in [0, 1] and int labels`, async () => {
      const dir = writeTinyDataset({ count: 7, testCount: 3, height: 4, width: 3, gzip });
      const { train, test, files } = await loadDataset('mnist', { dataDir: dir });
      expect(files.source).toBe('option');
      expect([train.count, train.height, train.width, train.numClasses]).toEqual([7, 4, 3, 10]);
      expect(test.count).toBe(3);
      for (let k = 0; k < 7; k++) {
        expect(train.labels[k]).toBe(tinyLabel(k));
        for (let r = 0; r < 4; r++) for (let c = 0; c < 3; c++) expect(train.images[(k * 4 + r) * 3 + c]).toBeCloseTo(tinyPixel(k, r, c) / 255, 7);
      }
      expect(test.labels[2]).toBe(tinyLabel(1002));
      expect(train.images).toBeInstanceOf(Float32Array);
      expect(train.labels).toBeInstanceOf(Int32Array);
      expect(Math.min(...train.images)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...train.images)).toBeLessThanOrEqual(1);
    });
  }
});

describe('loadImageSet rejects files that do not belong together', () => {
  const dir = writeTinyDataset({ count: 4 });
  const images = join(dir, 'train-images-idx3-ubyte');
  const labels = join(dir, 'train-labels-idx1-ubyte');

  it('names both files when counts differ', async () => {
    const fewer = join(dir, 'three-labels');
    writeFileSync(fewer, encodeIdx({ type: 'uint8', dims: [3], data: new Uint8Array(3) }));
    await expect(loadImageSet(images, fewer)).rejects.toThrow(`${fewer}: has 3 labels but ${images} has 4 images`);
  });

  it('rejects swapped image and label files', async () => {
    await expect(loadImageSet(labels, images)).rejects.toThrow(IdxFormatError);
    await expect(loadImageSet(labels, images)).rejects.toThrow(/is not an image file: expected 3-D uint8, got 1-D uint8/);
  });

  it('rejects labels outside the classes', async () => {
    const bad = join(dir, 'bad-labels');
    writeFileSync(bad, encodeIdx({ type: 'uint8', dims: [4], data: Uint8Array.from([0, 1, 12, 3]) }));
    await expect(loadImageSet(images, bad)).rejects.toThrow(/label 12 at index 2 is not a class in 0..9/);
  });

  it('names a truncated image file', async () => {
    const cut = join(dir, 'cut-images');
    const bytes = encodeIdx({ type: 'uint8', dims: [4, 4, 3], data: new Uint8Array(48) });
    writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
    await expect(loadImageSet(cut, labels)).rejects.toThrow(`${cut}: truncated`);
  });
});

describe('sliceImageSet', () => {
  it('shares memory and checks bounds', async () => {
    const { train } = await loadDataset('mnist', { dataDir: writeTinyDataset({ count: 6 }) });
    const part = sliceImageSet(train, 2, 5);
    expect(part.count).toBe(3);
    expect(part.labels[0]).toBe(tinyLabel(2));
    expect(part.images.buffer).toBe(train.images.buffer);
    expect(() => sliceImageSet(train, 4, 7)).toThrow(/cannot slice images \[4, 7\) from a set of 6/);
  });
});
