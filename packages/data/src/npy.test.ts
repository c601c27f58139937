import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataSourceError } from './data-source-error.js';
import { halfToFloat, parseNpy } from './npy.js';
import { readNpyFile } from './npy-file.js';
import { knownValue, numpyAvailable, numpyValuesScript, runNumpy } from './test-support/numpy-fixtures.js';
import { tinyNpy } from './test-support/tiny-zip.js';

const dtypes = ['bool', 'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'float16', 'float32', 'float64'];
const shape = [3, 4, 5];
const hasNumpy = numpyAvailable();

/** The C-order value at flat index c of the known array, so Fortran files must be transposed back to match. */
const expected = (dtype: string, count: number) => Array.from({ length: count }, (_, i) => knownValue(dtype, i));

describe.skipIf(!hasNumpy)('.npy written by numpy (every dtype, C and Fortran order, both byte orders)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liftguard-npy-'));
    runNumpy(
      `${numpyValuesScript}
for name in ${JSON.stringify(dtypes)}:
    base = known(name, 60).reshape(${JSON.stringify(shape)})
    for order in 'CF':
        for endian in '<>':
            a = base.astype(np.dtype(name).newbyteorder(endian))
            a = np.asfortranarray(a) if order == 'F' else np.ascontiguousarray(a)
            np.save(os.path.join(out, f"{name}-{order}-{'le' if endian == '<' else 'be'}.npy"), a)
for version in [(2, 0), (3, 0)]:
    with open(os.path.join(out, f'version-{version[0]}.npy'), 'wb') as f:
        np.lib.format.write_array(f, known('float32', 60).reshape(${JSON.stringify(shape)}), version=version)
`,
      dir,
    );
  });

  for (const dtype of dtypes) {
    for (const order of ['C', 'F']) {
      for (const endian of ['le', 'be']) {
        it(`${dtype}, ${order} order, ${endian}`, async () => {
          const array = await readNpyFile(join(dir, `${dtype}-${order}-${endian}.npy`));
          expect(array.dtype).toBe(dtype);
          expect(array.shape).toEqual(shape);
          expect(Array.from(array.data)).toEqual(expected(dtype, 60));
        });
      }
    }
  }

  it('format versions 2 and 3 (4-byte header length)', async () => {
    for (const version of [2, 3]) {
      const array = await readNpyFile(join(dir, `version-${version}.npy`));
      expect(Array.from(array.data)).toEqual(expected('float32', 60));
    }
  });

  it('reads only the first rows asked for, in both orders', async () => {
    for (const order of ['C', 'F']) {
      const array = await readNpyFile(join(dir, `int16-${order}-be.npy`), { rows: 2 });
      expect(array.shape).toEqual([2, 4, 5]);
      expect(array.fileShape).toEqual(shape);
      expect(Array.from(array.data)).toEqual(expected('int16', 40));
    }
  });
});

describe('.npy decoding from bytes', () => {
  it('float16 bit patterns decode to their IEEE values', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x8000, 0x7c00].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, 2 ** -14, -0, Infinity]);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('a hand-written file with a 1-D shape and a big-endian float64', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat64(0, Math.PI, false);
    new DataView(data.buffer).setFloat64(8, -0.5, false);
    const array = parseNpy(tinyNpy('>f8', [2], data));
    expect(Array.from(array.data)).toEqual([Math.PI, -0.5]);
  });

  const corrupt: [string, Uint8Array, RegExp][] = [
    ['not a .npy file', new TextEncoder().encode('hello world, not numpy'), /is not a NumPy \.npy file/],
    ['a header cut short', tinyNpy('<f4', [2, 2], new Uint8Array(16)).subarray(0, 40), /truncated inside its \.npy header/],
    ['values cut short', tinyNpy('<f4', [2, 2], new Uint8Array(12)), /is truncated: shape \(2, 2\) of float32 needs 144 bytes, the file has 140/],
    ['trailing bytes', tinyNpy('<f4', [2, 2], new Uint8Array(20)), /has trailing bytes/],
    ['a complex dtype', tinyNpy('<c8', [2], new Uint8Array(16)), /dtype '<c8', which cannot be read/],
    ['an object array', tinyNpy('|O8', [2], new Uint8Array(16)), /dtype '\|O8', which cannot be read/],
    ['a broken header', tinyNpy('<f4', [2], new Uint8Array(8)).map((b, i) => (i === 12 ? 0x21 : b)), /unreadable \.npy header/],
  ];
  for (const [what, bytes, message] of corrupt) {
    it(`refuses ${what} with a clear error`, () => {
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(DataSourceError);
      expect(() => parseNpy(bytes, 'x.npy')).toThrow(message);
    });
  }

  it('refuses int64 values that are not exact doubles', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setBigInt64(0, 2n ** 60n, true);
    expect(() => parseNpy(tinyNpy('<i8', [1], data), 'big.npy')).toThrow(/outside the exactly representable integers/);
  });

  it('a structured array is refused by name', () => {
    const text = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    const bytes = tinyNpy('<f4', [1], new Uint8Array(4));
    const patched = new Uint8Array([...bytes.subarray(0, 10), ...new TextEncoder().encode(text.padEnd(bytes.length - 15, ' ')), 0x0a, ...bytes.subarray(bytes.length - 4)]);
    new DataView(patched.buffer).setUint16(8, patched.length - 14, true);
    expect(() => parseNpy(patched, 's.npy')).toThrow(/structured \(record\) array/);
  });
});

describe('.npy files on disk: size checked before reading, regular files only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftguard-npy-file-'));

  it('a file shorter than its header promises is refused before its values are read', async () => {
    const path = join(dir, 'short.npy');
    writeFileSync(path, tinyNpy('<f8', [1000, 10], new Uint8Array(800)));
    await expect(readNpyFile(path)).rejects.toThrow(/is truncated: shape \(1000, 10\) of float64 needs 80128 bytes, the file has 928/);
  });

  it('an array larger than maxBytes is refused', async () => {
    const path = join(dir, 'big.npy');
    writeFileSync(path, tinyNpy('<f4', [100, 10], new Uint8Array(4000)));
    await expect(readNpyFile(path, { maxBytes: 1000 })).rejects.toThrow(/needs 4000 bytes of values, more than the 1000-byte limit/);
    expect((await readNpyFile(path, { maxBytes: 1000, rows: 5 })).shape).toEqual([5, 10]);
  });

  it('a directory named .npy is refused as not a regular file', async () => {
    const path = join(dir, 'folder.npy');
    mkdirSync(path);
    await expect(readNpyFile(path)).rejects.toThrow(/is a directory, not a regular file/);
  });

  it('a missing file says so', async () => {
    await expect(readNpyFile(join(dir, 'nope.npy'))).rejects.toThrow(/nope\.npy: does not exist/);
  });
});
