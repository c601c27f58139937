import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IdxFormatError, parseIdx, readIdxFile } from './idx.js';

// A 2×2×3 uint8 file written byte by byte from the IDX specification.
const handWritten = Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => i * 20)]);

function expectIdxError(bytes: Uint8Array, pattern: RegExp): void {
  let caught: unknown;
  try {
    parseIdx(bytes, 'some/file-idx3-ubyte');
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(IdxFormatError);
  expect((caught as Error).message).toContain('some/file-idx3-ubyte');
  expect((caught as Error).message).toMatch(pattern);
}

describe('parseIdx', () => {
  it('decodes a hand-written uint8 file', () => {
    const idx = parseIdx(handWritten);
    expect(idx.type).toBe('uint8');
    expect(idx.dims).toEqual([2, 2, 3]);
    expect(Array.from(idx.data)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
  });

  it('decodes big-endian int32, int16 and float32 payloads', () => {
    const int32 = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfe]);
    expect(Array.from(parseIdx(int32).data)).toEqual([0x01020304, -2]);
    const int16 = Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 1, 0x80, 0x00]);
    expect(Array.from(parseIdx(int16).data)).toEqual([-32768]);
    // 1.5 in IEEE-754 single precision is 0x3fc00000.
    const float32 = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]);
    expect(Array.from(parseIdx(float32).data)).toEqual([1.5]);
  });

  it('reads gzip input transparently', () => {
    expect(parseIdx(gzipSync(handWritten))).toEqual(parseIdx(handWritten));
  });

  it('encodeIdx writes what parseIdx reads, for every element type', () => {
    expect(encodeIdx(parseIdx(handWritten))).toEqual(handWritten);
    for (const [type, data] of [
      ['int8', Int8Array.from([-3, 4])],
      ['int16', Int16Array.from([-300, 400])],
      ['int32', Int32Array.from([-70000, 1 << 30])],
      ['float32', Float32Array.from([0.25, -1e-3])],
      ['float64', Float64Array.from([Math.PI, -2])],
    ] as const) {
      const idx = parseIdx(encodeIdx({ type, dims: [2], data }));
      expect(idx.type).toBe(type);
      expect(Array.from(idx.data)).toEqual(Array.from(data));
    }
  });

  it('rejects a bad magic number', () => {
    const bytes = handWritten.slice();
    bytes[0] = 0x50;
    expectIdxError(bytes, /bad magic number 0x50000803/);
  });

  it('rejects an unknown element type and zero dimensions', () => {
    expectIdxError(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), /unknown IDX element type 0x7/);
    expectIdxError(Uint8Array.from([0, 0, 0x08, 0]), /zero dimensions/);
  });

  it('rejects files too short for a header', () => {
    expectIdxError(Uint8Array.from([0, 0]), /too short/);
    expectIdxError(handWritten.slice(0, 10), /header is truncated: 3 dimensions need 16 bytes, file has 10/);
  });

  it('rejects truncated payloads and trailing bytes', () => {
    expectIdxError(handWritten.slice(0, 27), /truncated: dimensions \[2, 2, 3\] of uint8 need 28 bytes, file has 27/);
    expectIdxError(Uint8Array.from([...handWritten, 0]), /has trailing bytes/);
  });

  it('rejects a truncated or corrupt gzip stream', () => {
    const gz = gzipSync(handWritten);
    expectIdxError(gz.slice(0, gz.length - 6), /not a valid gzip stream/);
    const corrupt = gz.slice();
    corrupt[12] = corrupt[12]! ^ 0xff;
    expectIdxError(corrupt, /not a valid gzip stream|truncated|trailing|magic/);
  });

  it('encodeIdx refuses data that does not fill the dimensions', () => {
    expect(() => encodeIdx({ type: 'uint8', dims: [3], data: new Uint8Array(2) })).toThrow(/hold 3 values, data has 2/);
    expect(() => encodeIdx({ type: 'uint16' as never, dims: [1], data: new Uint8Array(1) })).toThrow(/unknown element type 'uint16'/);
  });
});

describe('readIdxFile', () => {
  it('reads raw and gzip files and names a missing one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-idx-'));
    writeFileSync(join(dir, 'a'), handWritten);
    writeFileSync(join(dir, 'a.gz'), gzipSync(handWritten));
    expect((await readIdxFile(join(dir, 'a'))).dims).toEqual([2, 2, 3]);
    expect((await readIdxFile(join(dir, 'a.gz'))).dims).toEqual([2, 2, 3]);
    await expect(readIdxFile(join(dir, 'missing'))).rejects.toThrow(`${join(dir, 'missing')}: cannot be read`);
  });
});
