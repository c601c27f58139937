import { DataSourceError } from './data-source-error.js';

/** Element types read from NumPy files (`bool` reads as 0/1 bytes, 64-bit integers must be exact doubles). */
export type NpyDtype = 'bool' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float16' | 'float32' | 'float64';

export type NumericArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A decoded array: its shape (outermost first) and its values in C (row-major) order. */
export interface NpyArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: NumericArray;
  /** The shape stored in the file (larger than `shape` when only the first rows were read). */
  readonly fileShape: readonly number[];
}

/** What a .npy header promises: element type, byte order, layout, shape and where the data starts. */
export interface NpyHeader {
  readonly dtype: NpyDtype;
  readonly littleEndian: boolean;
  readonly itemBytes: number;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the first value. */
  readonly dataOffset: number;
  /** Bytes of values the shape promises. */
  readonly dataBytes: number;
}

const dtypes: Record<string, NpyDtype> = {
  b1: 'bool', u1: 'uint8', i1: 'int8', u2: 'uint16', i2: 'int16', u4: 'uint32', i4: 'int32',
  u8: 'uint64', i8: 'int64', f2: 'float16', f4: 'float32', f8: 'float64',
};

const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** Bytes before the header text: magic, version, header length (2 bytes in v1, 4 in v2/v3). */
export const npyPreambleBytes = 12;
const maxHeaderBytes = 1 << 20;

/** Length of the preamble plus header, read from the file's first 12 bytes (10 suffice for version 1). */
export function npyHeaderLength(start: Uint8Array, source: string): number {
  if (start.length < 10 || !magic.every((b, i) => start[i] === b)) {
    throw new DataSourceError(source, 'is not a NumPy .npy file (it does not start with \\x93NUMPY)');
  }
  const major = start[6]!;
  const view = new DataView(start.buffer, start.byteOffset, start.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if (major !== 2 && major !== 3) throw new DataSourceError(source, `has .npy format version ${major}.${start[7]}, which is not 1, 2 or 3`);
  if (start.length < 12) throw new DataSourceError(source, 'is truncated inside its .npy header');
  const length = view.getUint32(8, true);
  if (length > maxHeaderBytes) throw new DataSourceError(source, `declares a ${length}-byte .npy header, larger than any real one (corrupt file)`);
  return 12 + length;
}

/** Parses the header at the start of `bytes` (which must hold at least `npyHeaderLength` bytes). */
export function parseNpyHeader(bytes: Uint8Array, source: string): NpyHeader {
  const dataOffset = npyHeaderLength(bytes, source);
  if (bytes.length < dataOffset) throw new DataSourceError(source, `is truncated inside its .npy header (${bytes.length} of ${dataOffset} bytes)`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(bytes[6] === 1 ? 10 : 12, dataOffset));
  if (/'descr'\s*:\s*\[/.test(text)) throw new DataSourceError(source, 'holds a structured (record) array; only plain numeric arrays can be read');
  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(text);
  const order = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (descr === null || order === null || shapeText === null) {
    throw new DataSourceError(source, `has an unreadable .npy header: ${JSON.stringify(text.trim().slice(0, 120))}`);
  }
  const code = `${descr[2]!}${descr[3]!}`;
  const dtype = dtypes[code];
  if (dtype === undefined) {
    throw new DataSourceError(source, `has dtype '${descr[1]}${code}', which cannot be read; use bool, (u)int8/16/32/64 or float16/32/64`);
  }
  const shape = shapeText[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      if (!/^\d+$/.test(s)) throw new DataSourceError(source, `has a .npy shape entry '${s}' that is not a dimension`);
      return Number(s);
    });
  const itemBytes = Number(descr[3]);
  const count = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * itemBytes)) throw new DataSourceError(source, `declares shape (${shape.join(', ')}), too large to read`);
  return {
    dtype,
    littleEndian: descr[1] !== '>',
    itemBytes,
    fortranOrder: order[1] === 'True',
    shape,
    dataOffset,
    dataBytes: count * itemBytes,
  };
}

/** Values per entry of the outermost axis (1 for a 0-D or 1-D array). */
export function rowValues(shape: readonly number[]): number {
  return shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Whole-file bytes (or, for C order, at least the rows asked for) → the first `rows` rows in C order. */
export function decodeNpyData(header: NpyHeader, data: Uint8Array, source: string, rows?: number): NpyArray {
  const total = header.shape[0] ?? 1;
  const keep = rows === undefined || header.shape.length === 0 ? total : Math.min(rows, total);
  const perRow = rowValues(header.shape);
  const shape = header.shape.length === 0 ? [] : [keep, ...header.shape.slice(1)];
  if (!header.fortranOrder || header.shape.length <= 1) {
    const count = header.shape.length === 0 ? 1 : keep * perRow;
    if (data.length < count * header.itemBytes) throw new DataSourceError(source, `is truncated: needs ${count * header.itemBytes} bytes of values, has ${data.length}`);
    return { dtype: header.dtype, shape, data: decodeValues(header, data, count, source), fileShape: header.shape };
  }
  // Fortran order: the first axis varies fastest, so decode everything, then gather C order.
  if (data.length < header.dataBytes) throw new DataSourceError(source, `is truncated: needs ${header.dataBytes} bytes of values, has ${data.length}`);
  const all = decodeValues(header, data, header.dataBytes / header.itemBytes, source);
  const out = new (all.constructor as new (n: number) => NumericArray)(keep * perRow);
  const fStrides: number[] = [];
  header.shape.reduce((stride, d, k) => ((fStrides[k] = stride), stride * d), 1);
  const index = new Array<number>(shape.length).fill(0);
  let offset = 0;
  for (let c = 0; c < out.length; c++) {
    out[c] = all[offset]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k]!++;
      offset += fStrides[k]!;
      if (index[k]! < shape[k]!) break;
      offset -= index[k]! * fStrides[k]!;
      index[k] = 0;
    }
  }
  return { dtype: header.dtype, shape, data: out, fileShape: header.shape };
}

/** Decodes a whole .npy file held in memory, checking that its length matches the header exactly. */
export function parseNpy(bytes: Uint8Array, source = '<buffer>', rows?: number): NpyArray {
  const header = parseNpyHeader(bytes, source);
  checkNpyLength(header, bytes.length, source);
  return decodeNpyData(header, bytes.subarray(header.dataOffset), source, rows);
}

/** Refuses a file whose length is not what its header promises (truncated, or trailing bytes). */
export function checkNpyLength(header: NpyHeader, fileBytes: number, source: string): void {
  const expected = header.dataOffset + header.dataBytes;
  if (fileBytes !== expected) {
    const what = fileBytes < expected ? 'is truncated' : 'has trailing bytes';
    throw new DataSourceError(source, `${what}: shape (${header.shape.join(', ')}) of ${header.dtype} needs ${expected} bytes, the file has ${fileBytes}`);
  }
}

const hostLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decodeValues(header: NpyHeader, data: Uint8Array, count: number, source: string): NumericArray {
  const { dtype, itemBytes, littleEndian: le } = header;
  const bytes = data.subarray(0, count * itemBytes);
  if (dtype === 'uint8') return bytes.slice();
  if (dtype === 'bool') return fill(new Uint8Array(count), (i) => (bytes[i] === 0 ? 0 : 1));
  if (dtype === 'int8') return new Int8Array(bytes.slice().buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fast = le === hostLittleEndian;
  switch (dtype) {
    case 'uint16':
      return fast ? new Uint16Array(bytes.slice().buffer) : fill(new Uint16Array(count), (i) => view.getUint16(2 * i, le));
    case 'int16':
      return fast ? new Int16Array(bytes.slice().buffer) : fill(new Int16Array(count), (i) => view.getInt16(2 * i, le));
    case 'uint32':
      return fast ? new Uint32Array(bytes.slice().buffer) : fill(new Uint32Array(count), (i) => view.getUint32(4 * i, le));
    case 'int32':
      return fast ? new Int32Array(bytes.slice().buffer) : fill(new Int32Array(count), (i) => view.getInt32(4 * i, le));
    case 'float32':
      return fast ? new Float32Array(bytes.slice().buffer) : fill(new Float32Array(count), (i) => view.getFloat32(4 * i, le));
    case 'float64':
      return fast ? new Float64Array(bytes.slice().buffer) : fill(new Float64Array(count), (i) => view.getFloat64(8 * i, le));
    case 'float16':
      return fill(new Float32Array(count), (i) => halfToFloat(view.getUint16(2 * i, le)));
    case 'int64':
    case 'uint64':
      return fill(new Float64Array(count), (i) => {
        const big = dtype === 'int64' ? view.getBigInt64(8 * i, le) : view.getBigUint64(8 * i, le);
        const value = Number(big);
        if (!Number.isSafeInteger(value)) throw new DataSourceError(source, `value ${big} at index ${i} is outside the exactly representable integers (±2^53)`);
        return value;
      });
  }
}

function fill<T extends NumericArray>(out: T, value: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = value(i);
  return out;
}

/** IEEE 754 half precision → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
