import type { FileHandle } from 'node:fs/promises';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import { checkPromisedInflation, gunzipBounded, gzipBombError, maxInflatedBytes, openRegularFile, type FileSafetyError } from '@liftguard/tensor/files';

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

/** Default ceiling on what an IDX header may promise (2 GiB; the full MNIST training set is 47 MB). */
export const maxIdxBytes = 2 * 1024 ** 3;

/** What an IDX header promises: element type, dimensions and the exact byte sizes that follow from them. */
export interface IdxHeader {
  type: IdxType;
  dims: number[];
  /** Bytes of the header itself (4 + 4 × rank). */
  headerBytes: number;
  /** Bytes of one row (all dimensions but the first). */
  rowBytes: number;
  /** Header plus payload: the exact size of the (uncompressed) file. */
  totalBytes: number;
}

/** Rows [start, end) of the first dimension; ranges must be sorted and not overlap. */
export type RowRange = readonly [start: number, end: number];

export interface IdxReadOptions {
  /** Only these rows are decoded (default: all); the result's first dimension is their total. */
  rows?: readonly RowRange[];
  /** Refuse headers promising more than this many bytes (default `maxIdxBytes`). */
  maxBytes?: number;
}

/** Decodes and checks an IDX header from the first bytes of a file. */
export function parseIdxHeader(bytes: Uint8Array, file = '<buffer>'): IdxHeader {
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
  const rowBytes = dims.slice(1).reduce((a, b) => a * b, 1) * type.bytes;
  return { type: type.name, dims, headerBytes, rowBytes, totalBytes: headerBytes + dims[0]! * rowBytes };
}

/** Checks the requested row ranges against the row count; returns them (all rows by default). */
function checkRows(header: IdxHeader, rows: readonly RowRange[] | undefined, file: string): readonly RowRange[] {
  const count = header.dims[0]!;
  if (rows === undefined) return [[0, count]];
  let previousEnd = 0;
  for (const [start, end] of rows) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < previousEnd || end < start || end > count) {
      throw new IdxFormatError(file, `cannot read rows [${start}, ${end}): the file has ${count} rows (ranges must be sorted, not overlapping)`);
    }
    previousEnd = end;
  }
  return rows;
}

function sizeProblem(header: IdxHeader, actual: number): string {
  const what = actual < header.totalBytes ? 'truncated' : 'has trailing bytes';
  return `${what}: dimensions [${header.dims.join(', ')}] of ${header.type} need ${header.totalBytes} bytes, file has ${actual}`;
}

/** The IDX header of gzip data, inflating growing prefixes only (each capped by what its compressed size can hold). */
function gzipHeader(compressed: Uint8Array, file: string): IdxHeader {
  for (let prefix = 64; ; prefix *= 4) {
    const part = compressed.subarray(0, prefix);
    let head: Uint8Array;
    try {
      head = gunzipSync(part, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: maxInflatedBytes(part.length) });
    } catch (error) {
      throw new IdxFormatError(file, `is not a valid gzip stream (truncated or corrupt): ${(error as Error).message}`);
    }
    const needed = head.length >= 4 && head[0] === 0 && head[1] === 0 ? 4 + 4 * head[3]! : 4;
    if (head.length >= needed || part.length === compressed.length) return parseIdxHeader(head, file);
  }
}

/** Copies the selected rows out of a payload stream as it arrives, then decodes them. */
class RowCollector {
  private readonly out: Uint8Array;
  private readonly spans: { from: number; to: number; at: number }[] = [];
  /** Bytes of the file (header included) past which nothing more is needed. */
  readonly neededBytes: number;
  readonly rowCount: number;

  constructor(
    private readonly header: IdxHeader,
    rows: readonly RowRange[],
  ) {
    let at = 0;
    for (const [start, end] of rows) {
      const from = header.headerBytes + start * header.rowBytes;
      const to = header.headerBytes + end * header.rowBytes;
      if (to > from) this.spans.push({ from, to, at });
      at += to - from;
    }
    this.out = new Uint8Array(at);
    this.rowCount = rows.reduce((sum, [start, end]) => sum + end - start, 0);
    this.neededBytes = this.spans.length === 0 ? header.headerBytes : this.spans[this.spans.length - 1]!.to;
  }

  /** Takes the bytes at file offset `offset`. */
  add(chunk: Uint8Array, offset: number): void {
    const chunkEnd = offset + chunk.length;
    for (const span of this.spans) {
      const from = Math.max(span.from, offset);
      const to = Math.min(span.to, chunkEnd);
      if (to > from) this.out.set(chunk.subarray(from - offset, to - offset), span.at + (from - span.from));
    }
  }

  result(): IdxArray {
    const dims = [this.rowCount, ...this.header.dims.slice(1)];
    const count = this.out.length / idxBytes(this.header.type);
    return { type: this.header.type, dims, data: decode(new DataView(this.out.buffer), 0, count, this.header.type) };
  }
}

function idxBytes(type: IdxType): number {
  return Object.values(idxTypes).find((t) => t.name === type)!.bytes;
}

/**
 * Decodes IDX bytes (raw, or gzip-compressed: detected by its magic number), checking the
 * magic number, the dimensions and that the payload length matches them exactly. Gzip data
 * is inflated with an output cap of exactly what its header promises, so a bomb stops there.
 * `file` names the source in error messages.
 */
export function parseIdx(input: Uint8Array, file = '<buffer>', options: IdxReadOptions = {}): IdxArray {
  let bytes = input;
  if (isGzip(input)) {
    const header = gzipHeader(input, file);
    checkPromise(header, input.length, file, options);
    try {
      bytes = gunzipBounded(input, file, header.totalBytes);
    } catch (error) {
      throw new IdxFormatError(file, (error as FileSafetyError).reason);
    }
  }
  const header = parseIdxHeader(bytes, file);
  if (bytes.length !== header.totalBytes) throw new IdxFormatError(file, sizeProblem(header, bytes.length));
  const collector = new RowCollector(header, checkRows(header, options.rows, file));
  collector.add(bytes, 0);
  return collector.result();
}

/** Refuses a gzip whose header promises more than the limit or than its compressed size can hold. */
function checkPromise(header: IdxHeader, compressedBytes: number, file: string, options: IdxReadOptions): void {
  try {
    checkPromisedInflation(file, compressedBytes, header.totalBytes, options.maxBytes ?? maxIdxBytes);
  } catch (error) {
    throw new IdxFormatError(file, (error as FileSafetyError).reason);
  }
}

/**
 * Reads an IDX file (raw or .gz) — only a regular file, only the requested rows. Raw files are
 * checked against the size their header promises before any payload is read, and only the
 * selected rows are read; gzip files are inflated as a stream, stopped after the last selected
 * row, and refused as soon as they inflate past what the header promises.
 */
export async function readIdxFile(path: string, options: IdxReadOptions = {}): Promise<IdxArray> {
  const maxBytes = options.maxBytes ?? maxIdxBytes;
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { what: 'IDX file', maxBytes });
  } catch (error) {
    throw new IdxFormatError(path, `cannot be read: ${(error as FileSafetyError).reason ?? (error as Error).message}`);
  }
  const { handle, size } = opened;
  try {
    const start = new Uint8Array(Math.min(size, 4 + 4 * 255));
    await readFully(handle, start, 0);
    if (isGzip(start)) {
      const compressed = new Uint8Array(size);
      await readFully(handle, compressed, 0);
      return await inflateRows(compressed, path, options);
    }
    const header = parseIdxHeader(start, path);
    if (size !== header.totalBytes) throw new IdxFormatError(path, sizeProblem(header, size));
    const collector = new RowCollector(header, checkRows(header, options.rows, path));
    for (const [first, last] of checkRows(header, options.rows, path)) {
      const from = header.headerBytes + first * header.rowBytes;
      const chunk = new Uint8Array((last - first) * header.rowBytes);
      await readFully(handle, chunk, from);
      collector.add(chunk, from);
    }
    return collector.result();
  } finally {
    await handle.close();
  }
}

/** Reads only the header of an IDX file (raw or .gz), e.g. to learn the row count before choosing rows. */
export async function readIdxHeader(path: string, options: { maxBytes?: number } = {}): Promise<IdxHeader> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { what: 'IDX file', maxBytes: options.maxBytes ?? maxIdxBytes });
  } catch (error) {
    throw new IdxFormatError(path, `cannot be read: ${(error as FileSafetyError).reason ?? (error as Error).message}`);
  }
  const { handle, size } = opened;
  try {
    const start = new Uint8Array(Math.min(size, 64 * 1024));
    await readFully(handle, start, 0);
    return isGzip(start) ? gzipHeader(start, path) : parseIdxHeader(start, path);
  } finally {
    await handle.close();
  }
}

async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let filled = 0;
  while (filled < into.length) {
    const { bytesRead } = await handle.read(into, filled, into.length - filled, position + filled);
    if (bytesRead === 0) throw new Error(`file shrank while being read (${position + filled} bytes)`);
    filled += bytesRead;
  }
}

/** Inflates gzip IDX data as a stream up to the last selected row, refusing output past the header's promise. */
async function inflateRows(compressed: Uint8Array, file: string, options: IdxReadOptions): Promise<IdxArray> {
  const header = gzipHeader(compressed, file);
  checkPromise(header, compressed.length, file, options);
  const collector = new RowCollector(header, checkRows(header, options.rows, file));
  const readAll = collector.neededBytes === header.totalBytes;
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  gunzip.end(compressed);
  let offset = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      if (offset + chunk.length > header.totalBytes) throw new IdxFormatError(file, gzipBombError(file, header.totalBytes).reason);
      collector.add(chunk, offset);
      offset += chunk.length;
      if (!readAll && offset >= collector.neededBytes) break;
    }
  } catch (error) {
    if (error instanceof IdxFormatError) throw error;
    throw new IdxFormatError(file, `is not a valid gzip stream (truncated or corrupt): ${(error as Error).message}`);
  } finally {
    gunzip.destroy();
  }
  if (offset < collector.neededBytes) throw new IdxFormatError(file, sizeProblem(header, offset));
  return collector.result();
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
