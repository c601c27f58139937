import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageDataset } from './load-image-dataset.js';
import { readNpzArray } from './npy-file.js';
import { RegularFile } from './regular-file.js';
import { knownValue, numpyAvailable, numpyValuesScript, runNumpy } from './test-support/numpy-fixtures.js';
import { tinyNpy, tinyZip } from './test-support/tiny-zip.js';
import { ZipArchive } from './zip-archive.js';

const hasNumpy = numpyAvailable();
const dir = mkdtempSync(join(tmpdir(), 'liftguard-npz-'));

async function readArray(path: string, name: string, options: { rows?: number; maxBytes?: number } = {}) {
  const file = await RegularFile.open(path);
  try {
    return await readNpzArray(await ZipArchive.open(file), name, options);
  } finally {
    await file.close();
  }
}

describe.skipIf(!hasNumpy)('.npz written by numpy (np.savez and np.savez_compressed)', () => {
  beforeAll(() => {
    runNumpy(
      `${numpyValuesScript}
x = known('uint8', 6 * 4 * 5 * 3).reshape(6, 4, 5, 3)
y = np.array([0, 2, 1, 2, 0, 1], dtype=np.int64)
w = np.asfortranarray(known('float64', 60).reshape(3, 4, 5).astype('>f8'))
np.savez(os.path.join(out, 'stored.npz'), x=x, y=y, w=w)
np.savez_compressed(os.path.join(out, 'deflated.npz'), x=x, y=y, w=w)
np.savez_compressed(os.path.join(out, 'keras.npz'), x_train=x[:4], y_train=y[:4], x_test=x[4:], y_test=y[4:])
`,
      dir,
    );
  });

  for (const kind of ['stored', 'deflated']) {
    it(`${kind}: every array, including a big-endian Fortran-order one`, async () => {
      const path = join(dir, `${kind}.npz`);
      const x = await readArray(path, 'x');
      expect(x.shape).toEqual([6, 4, 5, 3]);
      expect(Array.from(x.data)).toEqual(Array.from({ length: 360 }, (_, i) => knownValue('uint8', i)));
      expect(Array.from((await readArray(path, 'y')).data)).toEqual([0, 2, 1, 2, 0, 1]);
      expect(Array.from((await readArray(path, 'w')).data)).toEqual(Array.from({ length: 60 }, (_, i) => knownValue('float64', i)));
      const first = await readArray(path, 'x', { rows: 2 });
      expect(Array.from(first.data)).toEqual(Array.from(x.data.subarray(0, 120)));
    });

    it(`${kind}: loadImageDataset finds x and y and scales bytes to [0, 1]`, async () => {
      const { set, description } = await loadImageDataset(join(dir, `${kind}.npz`), { limit: 4 });
      expect(set.count).toBe(4);
      expect([set.height, set.width, set.channels]).toEqual([4, 5, 3]);
      expect(Array.from(set.labels)).toEqual([0, 2, 1, 2]);
      expect(set.numClasses).toBe(3);
      for (let i = 0; i < 240; i++) expect(set.images[i]).toBe(Math.fround(knownValue('uint8', i) / 255));
      expect(description).toMatchObject({ kind: 'npz', count: 4, shape: [4, 5, 3], dtype: 'uint8', range: [0, 1], sourceRange: [0, 255], limit: 4 });
    });
  }

  it('Keras-style names: split picks x_train/y_train or x_test/y_test (default test)', async () => {
    const path = join(dir, 'keras.npz');
    const test = await loadImageDataset(path);
    expect(test.set.count).toBe(2);
    expect(Array.from(test.set.labels)).toEqual([0, 1]);
    expect(test.description.split).toBe('test');
    const train = await loadImageDataset(path, { split: 'train' });
    expect(Array.from(train.set.labels)).toEqual([0, 2, 1, 2]);
    expect(train.set.images[0]).toBe(Math.fround(knownValue('uint8', 0) / 255));
    await expect(loadImageDataset(path, { arrays: { x: 'pixels' } })).rejects.toThrow(/has no array 'pixels' \(arrays: x_train, y_train, x_test, y_test\)/);
  });

  it('a truncated archive is refused clearly', async () => {
    const bytes = readFileSync(join(dir, 'deflated.npz'));
    const path = join(dir, 'cut.npz');
    writeFileSync(path, bytes.subarray(0, bytes.length - 30));
    await expect(loadImageDataset(path)).rejects.toThrow(/cut\.npz: is not a zip archive \(no end-of-central-directory record: truncated, or not a \.npz\)/);
  });
});

describe('.npz archives written by hand', () => {
  const x = tinyNpy('|u1', [2, 2, 2], Uint8Array.from([0, 51, 102, 153, 204, 255, 0, 255]));
  const y = tinyNpy('<i4', [2], Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0]));
  const write = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('reads a hand-made stored archive', async () => {
    const { set } = await loadImageDataset(write('hand.npz', tinyZip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: y }])));
    expect(Array.from(set.images)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 0, 1].map(Math.fround));
    expect(Array.from(set.labels)).toEqual([1, 0]);
  });

  it('a corrupted stored entry fails its CRC check', async () => {
    const zip = tinyZip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: y }]);
    const last = x.length + 30 + 5 - 1; // last byte of x.npy's values
    zip[last] = zip[last]! ^ 0xff;
    await expect(loadImageDataset(write('crc.npz', zip))).rejects.toThrow(/entry 'x\.npy': fails its CRC-32 check/);
  });

  it('a deflate bomb that lies about its size is stopped quickly, saying so', async () => {
    const bomb = new Uint8Array(64 * 2 ** 20); // 64 MiB of zeros deflate to ~64 KB
    const path = write('bomb.npz', tinyZip([{ name: 'x.npy', data: bomb, method: 'deflate', declaredSize: 1000 }, { name: 'y.npy', data: y }]));
    const start = performance.now();
    await expect(loadImageDataset(path)).rejects.toThrow(/entry 'x\.npy' inflates past its declared 1000 bytes: refused as a possible zip bomb/);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('an entry declaring more than maxBytes is refused before decompressing', async () => {
    const path = write('huge.npz', tinyZip([{ name: 'x.npy', data: x, method: 'deflate', declaredSize: 3 * 2 ** 30 }, { name: 'y.npy', data: y }]));
    await expect(loadImageDataset(path)).rejects.toThrow(/declares 3221225472 bytes uncompressed, more than the 2147483648-byte limit \(option maxBytes\); refused before decompressing/);
  });

  it('corrupt deflate data is a clear error', async () => {
    const zip = tinyZip([{ name: 'x.npy', data: x, method: 'deflate' }, { name: 'y.npy', data: y }]);
    zip.fill(0xff, 40, 60);
    await expect(loadImageDataset(write('bad-deflate.npz', zip))).rejects.toThrow(/entry 'x\.npy' (is not valid deflate data|inflates to|inflates past|fails its CRC-32)/);
  });

  it('labels that do not match the image count are refused', async () => {
    const three = tinyNpy('<i4', [3], new Uint8Array(12));
    await expect(loadImageDataset(write('count.npz', tinyZip([{ name: 'x.npy', data: x }, { name: 'y.npy', data: three }])))).rejects.toThrow(/\[y\]: has 3 labels but .*\[x\] has 2 images/);
  });

  it('an archive without labels names its arrays', async () => {
    await expect(loadImageDataset(write('nolabels.npz', tinyZip([{ name: 'x.npy', data: x }])))).rejects.toThrow(/has no labels array named y \| labels \| y_test \(arrays: x\)/);
  });
});
