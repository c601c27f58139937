import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { imageDatasetFromArrays } from './array-images.js';
import { BatchIterator, imageSetTensors } from './batch-iterator.js';
import { experimentSplits } from './experiment-splits.js';
import { encodeIdx } from './idx.js';
import { describeImageDataset } from './image-dataset.js';
import { loadDataset, loadImageSet } from './image-set.js';
import { imageSourceReaders, loadImageDataset, registerImageSourceReader } from './load-image-dataset.js';
import { readNpyFile } from './npy-file.js';
import { parsePixelRange } from './pixel-range.js';
import { tinyLabel, tinyPixel, writeTinyDataset } from './test-support/tiny-idx.js';
import { tinyNpy } from './test-support/tiny-zip.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const fresh = () => mkdtempSync(join(tmpdir(), 'liftguard-load-'));

describe('in-memory arrays', () => {
  it('nested arrays [n, h, w] read as gray images, in the source range declared', () => {
    const x = [
      [[0, 0.5], [1, 0.25]],
      [[0.75, 1], [0, 0]],
    ];
    const { set, description } = imageDatasetFromArrays({ x, labels: [1, 0] });
    expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([2, 2, 2, 1, 2]);
    expect(Array.from(set.images)).toEqual([0, 0.5, 1, 0.25, 0.75, 1, 0, 0]);
    expect(description).toMatchObject({ kind: 'memory', source: '<memory>', dtype: 'float64', sourceRange: [0, 1], observedRange: [0, 1] });
  });

  it('ragged or non-numeric nested arrays are refused, naming the entry', () => {
    expect(() => imageDatasetFromArrays({ x: [[[0, 1], [1]], [[0, 1], [1, 1]]], labels: [0, 1] })).toThrow(/x: is ragged: x\[0\]\[1\] has 1 entries, expected 2 like x\[0\]\[0\]/);
    expect(() => imageDatasetFromArrays({ x: [[[0, 1]], [[0, 'a']]] as never, labels: [0, 1] })).toThrow(/x\[1\]\[0\]\[1\] is the string "a", expected a number/);
    expect(() => imageDatasetFromArrays({ x: [[1, 2], 3] as never, labels: [0, 1] })).toThrow(/x\[1\] is a number, expected an array of 2/);
  });

  it('typed arrays with a shape; bytes default to [0, 255]; NCHW transposed when asked', () => {
    const bytes = Uint8Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i * 10);
    const nchw = imageDatasetFromArrays({ x: bytes, shape: [2, 3, 2, 2], labels: Int32Array.from([0, 1]) }, { layout: 'nchw' });
    expect([nchw.set.height, nchw.set.width, nchw.set.channels]).toEqual([2, 2, 3]);
    // Pixel (r, c) channel ch of image n sits at n·12 + ch·4 + r·2 + c in NCHW.
    for (let n = 0; n < 2; n++) for (let p = 0; p < 4; p++) for (let ch = 0; ch < 3; ch++) {
      expect(nchw.set.images[n * 12 + p * 3 + ch]).toBe(Math.fround(((n * 12 + ch * 4 + p) * 10) / 255));
    }
    expect(nchw.description.notes).toContain('transposed from NCHW to NHWC');
    expect(() => imageDatasetFromArrays({ x: bytes, shape: [2, 3, 5], labels: [0, 1] })).toThrow(/shape \[2, 3, 5\] holds 30 values, the array has 24/);
  });

  it('flat vectors keep their values; inputShape of another rank only checks the size', () => {
    const x = Float32Array.from({ length: 3 * 6 }, (_, i) => i / 17);
    const flat = imageDatasetFromArrays({ x, shape: [3, 6], labels: [0, 1, 2] }, { inputShape: [6] });
    expect([flat.set.height, flat.set.width, flat.set.channels]).toEqual([1, 6, 1]);
    const asImages = imageDatasetFromArrays({ x, shape: [3, 6], labels: [0, 1, 2] }, { inputShape: [2, 3, 1] });
    expect([asImages.set.height, asImages.set.width]).toEqual([2, 3]);
    expect(Array.from(asImages.set.images)).toEqual(Array.from(x));
    expect(() => imageDatasetFromArrays({ x, shape: [3, 6], labels: [0, 1, 2] }, { inputShape: [7] })).toThrow(/needs 7; give inputShape as \[height, width, channels\] to resize/);
  });

  it('labels: count mismatch, non-integers and class names', () => {
    const x = new Float32Array(3 * 4);
    expect(() => imageDatasetFromArrays({ x, shape: [3, 2, 2], labels: [0, 1] })).toThrow(/labels: has 2 labels but x has 3 images/);
    expect(() => imageDatasetFromArrays({ x, shape: [3, 2, 2], labels: [0, 1.5, 1] })).toThrow(/label 1.5 at index 1 is not a class index/);
    expect(() => imageDatasetFromArrays({ x, shape: [3, 2, 2], labels: [0, 1, 4] }, { numClasses: 3 })).toThrow(/label 4 is not a class in 0\.\.2/);
    const named = imageDatasetFromArrays({ x, shape: [3, 2, 2], labels: ['dog', 'cat', 'dog'] });
    expect(Array.from(named.set.labels)).toEqual([1, 0, 1]);
    expect(named.description.labels.classNames).toEqual(['cat', 'dog']);
  });

  it('pixel ranges: output [-1, 1] or [0, 255] on request; values outside the declared source range are an error', () => {
    const x = Float32Array.from([0, 127.5, 255, 51]);
    expect(() => imageDatasetFromArrays({ x, shape: [1, 2, 2], labels: [0] })).toThrow(
      /<memory> image 0: values span \[0, 255\], outside the declared source range \[0, 1\] \(values look like bytes: declare sourceRange \[0, 255\]\)/,
    );
    const signed = imageDatasetFromArrays({ x, shape: [1, 2, 2], labels: [0] }, { sourceRange: [0, 255], range: [-1, 1] });
    expect(Array.from(signed.set.images)).toEqual([-1, 0, 1, -0.6].map(Math.fround));
    const bytes = imageDatasetFromArrays({ x: Uint8Array.from([0, 255, 3, 4]), shape: [1, 2, 2], labels: [0] }, { range: [0, 255] });
    expect(Array.from(bytes.set.images)).toEqual([0, 255, 3, 4]);
    expect(() => imageDatasetFromArrays({ x: [[[NaN]]], labels: [0] })).toThrow(/holds NaN values/);
    expect(parsePixelRange('[-1, 1]')).toEqual([-1, 1]);
    expect(parsePixelRange('0,255')).toEqual([0, 255]);
    expect(() => parsePixelRange('1,0')).toThrow(/low < high/);
  });

  it('describeImageDataset states size, range, resize and labels in one line', () => {
    const { description } = imageDatasetFromArrays({ x: new Uint8Array(2 * 4 * 4), shape: [2, 4, 4], labels: [0, 1] }, { inputShape: [2, 2, 3] });
    expect(describeImageDataset(description)).toBe(
      '<memory> (memory): 2 images 2×2×3 in [0, 1]; stored uint8 in [0, 255]; 2 classes from array; ' +
        '2 resized from 4×4 (bilinear (antialiased when shrinking) to cover, then centre crop); channels 1 → 3 (replicate gray)',
    );
  });
});

describe('colour IDX and IDX directories', () => {
  function writeColourIdx(dir: string, n: number): void {
    const data = Uint8Array.from({ length: n * 2 * 3 * 3 }, (_, i) => (i * 13) % 256);
    const labels = Uint8Array.from({ length: n }, (_, k) => k % 4);
    for (const [images, labelFile] of [['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'], ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']]) {
      writeFileSync(join(dir, images!), encodeIdx({ type: 'uint8', dims: [n, 2, 3, 3], data }));
      writeFileSync(join(dir, labelFile!), encodeIdx({ type: 'uint8', dims: [n], data: labels }));
    }
  }

  it('4-D uint8 IDX reads as colour, through loadImageSet and loadImageDataset', async () => {
    const dir = fresh();
    writeColourIdx(dir, 5);
    const set = await loadImageSet(join(dir, 'train-images-idx3-ubyte'), join(dir, 'train-labels-idx1-ubyte'));
    expect([set.count, set.height, set.width, set.channels]).toEqual([5, 2, 3, 3]);
    for (let i = 0; i < set.images.length; i++) expect(set.images[i]).toBe(Math.fround(((i * 13) % 256) / 255));
    const { set: loaded, description } = await loadImageDataset(dir, { limit: 3, numClasses: 10 });
    expect(description).toMatchObject({ kind: 'idx', split: 'test', count: 3, shape: [2, 3, 3] });
    expect(Array.from(loaded.images)).toEqual(Array.from(set.images.subarray(0, 54)));
    // Splits and batches keep the channels.
    const splits = experimentSplits({ train: set, test: set }, { trainSize: 3, validationSize: 2 });
    expect(Array.from(splits.validation.images)).toEqual(Array.from(set.images.subarray(54)));
    const batches = new BatchIterator(set, { batchSize: 2, layout: 'image' });
    assertNoLeaks(() => {
      for (const batch of batches) expect(batch.x.shape.slice(1)).toEqual([2, 3, 3]);
    });
  });

  it('colour IDX with 2 channels is refused', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'x-idx'), encodeIdx({ type: 'uint8', dims: [1, 2, 2, 2], data: new Uint8Array(8) }));
    writeFileSync(join(dir, 'y-idx'), encodeIdx({ type: 'uint8', dims: [1], data: new Uint8Array(1) }));
    await expect(loadImageSet(join(dir, 'x-idx'), join(dir, 'y-idx'))).rejects.toThrow(/has 2 channels per pixel/);
  });
});

describe('loadImageDataset: detection, labels files, safety, no tensor leaks', () => {
  it('a .npy with labels from .npy, .txt and .json files', async () => {
    const dir = fresh();
    const x = join(dir, 'x.npy');
    writeFileSync(x, tinyNpy('|u1', [3, 2, 2], Uint8Array.from({ length: 12 }, (_, i) => i * 20)));
    writeFileSync(join(dir, 'y.txt'), '2\n0\n1\n');
    writeFileSync(join(dir, 'y.json'), '["b", "a", "b"]');
    writeFileSync(join(dir, 'y.npy'), tinyNpy('<i8', [3], Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    expect(Array.from((await loadImageDataset(x, { labels: join(dir, 'y.txt') })).set.labels)).toEqual([2, 0, 1]);
    expect(Array.from((await loadImageDataset(x, { labels: join(dir, 'y.json') })).set.labels)).toEqual([1, 0, 1]);
    const fromNpy = await loadImageDataset(x, { labels: join(dir, 'y.npy'), limit: 2 });
    expect(Array.from(fromNpy.set.labels)).toEqual([1, 2]);
    expect(fromNpy.set.images.length).toBe(8);
    expect(fromNpy.set.images[7]).toBe(Math.fround(140 / 255));
    writeFileSync(join(dir, 'short.txt'), '1\n0\n');
    await expect(loadImageDataset(x, { labels: join(dir, 'short.txt') })).rejects.toThrow(/short\.txt: has 2 labels but .*x\.npy has 3 images/);
    await expect(loadImageDataset(x)).rejects.toThrow(/a \.npy file holds only the images: pass labels/);
  });

  it("'mnist' by name reads the same test images as loadDataset", async () => {
    const dir = writeTinyDataset({ count: 6, testCount: 4 });
    const saved = process.env['LIFTGUARD_DATA_DIR'];
    process.env['LIFTGUARD_DATA_DIR'] = dir;
    try {
      const { set, description } = await loadImageDataset('mnist');
      const reference = (await loadDataset('mnist', { dataDir: dir })).test;
      expect(Array.from(set.images)).toEqual(Array.from(reference.images));
      expect(Array.from(set.labels)).toEqual(Array.from(reference.labels));
      expect(description).toMatchObject({ source: 'mnist', kind: 'mnist', split: 'test', count: 4, labels: { numClasses: 10 } });
      const train = await loadImageDataset('mnist', { split: 'train', limit: 2 });
      expect(train.set.images[5]).toBe(Math.fround(tinyPixel(0, 1, 2) / 255));
      expect(Array.from(train.set.labels)).toEqual([tinyLabel(0), tinyLabel(1)]);
    } finally {
      if (saved === undefined) delete process.env['LIFTGUARD_DATA_DIR'];
      else process.env['LIFTGUARD_DATA_DIR'] = saved;
    }
  });

  it('in-memory sources go through the same entry point, labels may be a file', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'y.txt'), '0\n1\n');
    const { set } = await loadImageDataset({ x: [[[0.5]], [[1]]], labels: join(dir, 'y.txt') });
    expect(Array.from(set.labels)).toEqual([0, 1]);
  });

  it('readers are a registry: a kind registered twice is an error', () => {
    expect(imageSourceReaders().map((r) => r.kind)).toEqual(['mnist', 'fashion-mnist', 'npy', 'npz', 'cifar', 'idx', 'idx-file', 'image-folder']);
    expect(() => registerImageSourceReader({ ...imageSourceReaders()[2]! })).toThrow(/an image source reader for 'npy' is already registered/);
  });

  it('unknown sources list what is read; FIFOs are refused without hanging', async () => {
    await expect(loadImageDataset('/nonexistent/data')).rejects.toThrow(/does not exist \(and is not a dataset name: mnist, fashion-mnist\)/);
    const dir = fresh();
    writeFileSync(join(dir, 'notes.csv'), 'a,b\n');
    await expect(loadImageDataset(join(dir, 'notes.csv'))).rejects.toThrow(/is not a data source LiftGuard reads\. It reads: .*a \.npy file/);
    const fifo = join(dir, 'pipe.npy');
    execFileSync('mkfifo', [fifo]);
    await expect(readNpyFile(fifo)).rejects.toThrow(/pipe\.npy: is a FIFO \(named pipe\), not a regular file/);
    await expect(loadImageDataset(fifo, { labels: [0] })).rejects.toThrow(/is a FIFO/);
  });

  it('loading and batching a dataset leaves no tensors behind', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'x.npy'), tinyNpy('<f4', [4, 2, 2, 3], new Uint8Array(4 * 12 * 4)));
    await assertNoLeaksAsync(async () => {
      const { set } = await loadImageDataset(join(dir, 'x.npy'), { labels: [0, 1, 0, 1], inputShape: [3, 3, 1] });
      const tensors = imageSetTensors(set, 'image');
      expect(tensors.x.shape).toEqual([4, 3, 3, 1]);
      tf.dispose([tensors.x, tensors.labels, tensors.oneHot]);
    });
  });
});
