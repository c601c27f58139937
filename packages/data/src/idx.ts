import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** An IDX file or buffer is malformed: names the file and what is wrong with it. */
export class IdxFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'IdxFormatError';
  }
}

/** Element types of the IDX format (the third magic byte) and their byte sizes. */
const idxTypes = {
  0x08: { name: 'uint8', bytes: 1 },
  0x09: { name: 'int8', bytes: 1 },
  0x0b: { name: 'int16', bytes: 2 },
  0x0c: { name: 'int32', bytes: 4 },
  0x0d: { name: 'float32', bytes: 4 },
  0x0e: { name: 'float64', bytes: 8 },
} as const;

export type IdxType = (typeof idxTypes)[keyof typeof idxTypes]['name'];

/** The decoded contents of an IDX file: dimensions (outermost first) and row-major values. */
export interface IdxArray {
  type: IdxType;
  dims: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const gzipMagic = [0x1f, 0x8b];

/** True when the bytes start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === gzipMagic[0] && bytes[1] === gzipMagic[1];
}

/**
 * Decodes IDX bytes (raw, or gzip-compressed: detected by its magic number), checking the
 * magic number, the dimensions and that the payload length matches them exactly.
 * `file` names the source in error messages.
 */
export function parseIdx(input: Uint8Array, file = '<buffer>'): IdxArray {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new IdxFormatError(file, `is not a valid gzip stream (truncated or corrupt): ${(error as Error).message}`);
    }
  }
  if (bytes.length < 4) throw new IdxFormatError(file, `is ${bytes.length} bytes long, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = view.getUint32(0).toString(16).padStart(8, '0');
    throw new IdxFormatError(file, `bad magic number 0x${magic}: an IDX file starts with two zero bytes`);
  }
  const typeCode = bytes[2]!;
  const type = idxTypes[typeCode as keyof typeof idxTypes];
  if (type === undefined) throw new IdxFormatError(file, `unknown IDX element type 0x${typeCode.toString(16)}`);
  const rank = bytes[3]!;
  if (rank === 0) throw new IdxFormatError(file, 'declares zero dimensions');
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(file, `header is truncated: ${rank} dimensions need ${headerBytes} bytes, file has ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'has trailing bytes';
    throw new IdxFormatError(
      file,
      `${what}: dimensions [${dims.join(', ')}] of ${type.name} need ${expected} bytes, file has ${bytes.length}`,
    );
  }
  return { type: type.name, dims, data: decode(view, headerBytes, count, type.name) };
}

/** Reads and decodes an IDX file (raw or .gz). */
export async function readIdxFile(path: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new IdxFormatError(path, `cannot be read: ${(error as Error).message}`);
  }
  return parseIdx(bytes, path);
}

function decode(view: DataView, offset: number, count: number, type: IdxType): IdxArray['data'] {
  // IDX is big-endian; single bytes can be copied as they are.
  const start = view.byteOffset + offset;
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(start, start + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(start, start + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i);
      return out;
    }
  }
}

/** Encodes values as IDX bytes (big-endian), e.g. to write small test or export files. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const entry = Object.entries(idxTypes).find(([, t]) => t.name === array.type);
  if (entry === undefined) throw new Error(`encodeIdx: unknown element type '${String(array.type)}'`);
  const code = Number(entry[0]);
  const size = idxTypes[code as keyof typeof idxTypes].bytes;
  const count = array.dims.reduce((a, b) => a * b, 1);
  if (count !== array.data.length) {
    throw new Error(`encodeIdx: dimensions [${array.dims.join(', ')}] hold ${count} values, data has ${array.data.length}`);
  }
  const header = 4 + 4 * array.dims.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = array.dims.length;
  array.dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < count; i++) {
    const v = Number(array.data[i]);
    const at = header + i * size;
    if (array.type === 'uint8') view.setUint8(at, v);
    else if (array.type === 'int8') view.setInt8(at, v);
    else if (array.type === 'int16') view.setInt16(at, v);
    else if (array.type === 'int32') view.setInt32(at, v);
    else if (array.type === 'float32') view.setFloat32(at, v);
    else view.setFloat64(at, v);
  }
  return out;
}
