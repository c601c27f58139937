import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IdxFormatError, parseIdx, readIdxFile, readIdxHeader } from './idx.js';
import { experimentSplits } from './experiment-splits.js';
import { loadDataset } from './image-set.js';
import { loadExperimentSplits } from './load-splits.js';
import { tinyLabel, tinyPixel, writeTinyDataset } from './test-support/tiny-idx.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'liftguard-bounded-'));

/** A valid gzip IDX file of ten 28×28 images followed by gzip members of zeros: ~1 MB on disk, ~1 GB inflated. */
function gzipBomb(): Uint8Array {
  const honest = gzipSync(encodeIdx({ type: 'uint8', dims: [10, 28, 28], data: new Uint8Array(7840) }));
  const zeros = gzipSync(new Uint8Array(10 * 1024 ** 2), { level: 9 });
  return Buffer.concat([honest, ...Array.from({ length: 100 }, () => zeros)]);
}

async function idxError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdxFormatError);
  expect((error as Error).message).not.toContain('\n');
  return (error as Error).message;
}

describe('bounded IDX reads', () => {
  it('refuses a 1 MB gzip that inflates to 1 GB within a second, saying it is a bomb', async () => {
    const file = join(scratch(), 'bomb-idx3-ubyte.gz');
    const bomb = gzipBomb();
    expect(bomb.length).toBeLessThan(1.1 * 1024 ** 2);
    writeFileSync(file, bomb);
    const started = performance.now();
    expect(await idxError(readIdxFile(file))).toMatch(/inflates to more than the 7856 bytes its header promises \(a gzip bomb/);
    expect(() => parseIdx(bomb, file)).toThrow(/gzip bomb/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a header that promises more than the gzip can hold or than the limit, before inflating', async () => {
    const header = new Uint8Array(16);
    const view = new DataView(header.buffer);
    header[2] = 0x08;
    header[3] = 3;
    [60_000, 28_000, 28].forEach((d, i) => view.setUint32(4 + 4 * i, d));
    const file = join(scratch(), 'liar.gz');
    writeFileSync(file, gzipSync(header));
    expect(await idxError(readIdxFile(file))).toMatch(/header promises 47040000016 bytes, more than the limit/);
    expect(await idxError(readIdxFile(file, { maxBytes: 1e12 }))).toMatch(/more than \d+ bytes of gzip can hold/);
  });

  it('refuses a symbolic link to /dev/zero and a FIFO at once', async () => {
    const dir = scratch();
    symlinkSync('/dev/zero', join(dir, 'zero'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    const started = performance.now();
    expect(await idxError(readIdxFile(join(dir, 'zero')))).toMatch(/cannot be read: it is a character device, not a regular file/);
    expect(await idxError(readIdxFile(join(dir, 'fifo')))).toMatch(/named pipe/);
    expect(await idxError(readIdxHeader(join(dir, 'zero')))).toMatch(/character device/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('checks a raw file against the size its header promises before reading the payload', async () => {
    const file = join(scratch(), 'raw');
    const bytes = encodeIdx({ type: 'uint8', dims: [4, 2], data: new Uint8Array(8) });
    writeFileSync(file, Buffer.concat([bytes, new Uint8Array(3)]));
    expect(await idxError(readIdxFile(file))).toMatch(/has trailing bytes: dimensions \[4, 2\] of uint8 need 20 bytes, file has 23/);
  });
});

describe('reading only the rows asked for', () => {
  const data = Uint8Array.from({ length: 50 * 6 }, (_, i) => (i * 7) % 256);
  const bytes = encodeIdx({ type: 'uint8', dims: [50, 2, 3], data });

  for (const gzip of [false, true]) {
    it(`returns exactly the selected rows (${gzip ? 'gzip' : 'raw'}), as slicing the whole would`, async () => {
      const file = join(scratch(), 'rows');
      writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
      const picked = await readIdxFile(file, { rows: [[2, 5], [47, 50]] });
      expect(picked.dims).toEqual([6, 2, 3]);
      expect(Array.from(picked.data)).toEqual([...data.subarray(12, 30), ...data.subarray(282, 300)]);
      expect(await idxError(readIdxFile(file, { rows: [[5, 51]] }))).toMatch(/cannot read rows \[5, 51\): the file has 50 rows/);
    });
  }

  it('inflates a gzip file only up to the last selected row (a file cut in half still yields its first rows)', async () => {
    const big = encodeIdx({ type: 'uint8', dims: [2000, 28, 28], data: Uint8Array.from({ length: 2000 * 784 }, (_, i) => (i * 2654435761) >>> 24) });
    const gz = gzipSync(big);
    const file = join(scratch(), 'half.gz');
    writeFileSync(file, gz.subarray(0, gz.length >> 1));
    const first = await readIdxFile(file, { rows: [[0, 10]] });
    expect(Array.from(first.data)).toEqual(Array.from(big.subarray(16, 16 + 7840)));
    expect(await idxError(readIdxFile(file))).toMatch(/not a valid gzip stream|truncated/);
  });

  it('loadExperimentSplits equals experimentSplits of the whole data set, reading only the used images', async () => {
    for (const gzip of [false, true]) {
      const dir = writeTinyDataset({ count: 30, testCount: 12, gzip });
      const whole = experimentSplits(await loadDataset('mnist', { dataDir: dir }), { trainSize: 7, validationSize: 5 });
      const lean = await loadExperimentSplits('mnist', { dataDir: dir, trainSize: 7, validationSize: 5, testSize: 4 });
      expect(lean.available).toEqual({ train: 30, test: 12 });
      for (const key of ['train', 'validation'] as const) {
        expect(Array.from(lean[key].images)).toEqual(Array.from(whole[key].images));
        expect(Array.from(lean[key].labels)).toEqual(Array.from(whole[key].labels));
      }
      expect(lean.test.count).toBe(4);
      expect(lean.test.images.length).toBe(4 * 12);
      expect(Array.from(lean.test.labels)).toEqual([0, 1, 2, 3].map((k) => tinyLabel(k + 1000)));
      expect(lean.test.images[3 * 12 + 5]).toBeCloseTo(tinyPixel(1003, 1, 2) / 255, 7);
    }
  });

  it('says plainly when the splits ask for more images than there are', async () => {
    const dir = writeTinyDataset({ count: 12, testCount: 3 });
    await expect(loadExperimentSplits('mnist', { dataDir: dir, validationSize: 50 })).rejects.toThrow(/validationSize 50 leaves no training images: the data set has 12 training images/);
    await expect(loadExperimentSplits('mnist', { dataDir: dir, trainSize: 10, validationSize: 5 })).rejects.toThrow(/would overlap/);
    const few = await loadExperimentSplits('mnist', { dataDir: dir, validationSize: 2, testSize: 100 });
    expect(few.test.count).toBe(3);
    expect(readFileSync(join(dir, 'train-images-idx3-ubyte')).length).toBe(16 + 12 * 12);
  });
});
