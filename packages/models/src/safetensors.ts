/** A tensor from a safetensors file, converted to float32. */
export interface NamedTensor {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A safetensors file that cannot be read: names the file and the problem. */
export class SafetensorsError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'SafetensorsError';
  }
}

const bytesPerElement: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };

/**
 * Decodes a safetensors file (8-byte little-endian header length, JSON header, data) into
 * float32 tensors. Floating dtypes F64, F32, F16 and BF16 are read; others are an error.
 */
export function parseSafetensors(bytes: Uint8Array, file = '<safetensors>'): Map<string, NamedTensor> {
  if (bytes.length < 8) throw new SafetensorsError(file, `is ${bytes.length} bytes long, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new SafetensorsError(file, `header length ${headerLength} runs past the end of the file (${bytes.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new SafetensorsError(file, `header is not valid JSON: ${(error as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new SafetensorsError(file, `header must be a JSON object of tensors, got ${header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header}`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const out = new Map<string, NamedTensor>();
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (entry === null || typeof entry !== 'object') throw new SafetensorsError(file, `${name}: entry must be an object with dtype, shape and data_offsets`);
    const size = bytesPerElement[entry?.dtype];
    if (size === undefined) throw new SafetensorsError(file, `${name}: dtype ${entry?.dtype} is not supported (F64, F32, F16, BF16)`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) throw new SafetensorsError(file, `${name}: invalid shape ${JSON.stringify(shape)}`);
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = entry.data_offsets ?? [];
    if (!Number.isInteger(begin) || !Number.isInteger(end) || begin! < 0 || end! > dataLength || end! - begin! !== count * size) {
      throw new SafetensorsError(
        file,
        `${name}: data_offsets ${JSON.stringify(entry.data_offsets)} do not hold [${shape.join(', ')}] ${entry.dtype} within ${dataLength} data bytes`,
      );
    }
    ranges.push({ name, begin: begin!, end: end! });
    out.set(name, { dtype: entry.dtype, shape, values: decode(view, dataStart + begin!, count, entry.dtype) });
  }
  refuseOverlaps(ranges, file);
  return out;
}

/** Two tensors must never share data bytes (safetensors forbids it; a crafted file could alias them). */
function refuseOverlaps(ranges: { name: string; begin: number; end: number }[], file: string): void {
  const sorted = ranges.filter((r) => r.end > r.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (b.begin < a.end) throw new SafetensorsError(file, `data_offsets of ${a.name} [${a.begin}, ${a.end}) and ${b.name} [${b.begin}, ${b.end}) overlap`);
  }
}

function decode(view: DataView, offset: number, count: number, dtype: string): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    if (dtype === 'F32') out[i] = view.getFloat32(offset + 4 * i, true);
    else if (dtype === 'F64') out[i] = view.getFloat64(offset + 8 * i, true);
    else if (dtype === 'F16') out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
    else out[i] = bfloat16ToFloat(view.getUint16(offset + 2 * i, true));
  }
  return out;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bfloat16ToFloat(b: number): number {
  // bfloat16 is the top half of a float32.
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, b << 16);
  return view.getFloat32(0);
}

/** Encodes float32 tensors as a safetensors file (keys sorted, as PyTorch's writer does). */
export function encodeSafetensors(tensors: Record<string, { shape: readonly number[]; values: Float32Array }>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const { shape, values } = tensors[name]!;
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`encodeSafetensors: ${name} has shape [${shape.join(', ')}] but ${values.length} values`);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  let json = JSON.stringify(header);
  // The data section starts on an 8-byte boundary (spaces pad the header).
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const name of names) {
    for (const v of tensors[name]!.values) {
      view.setFloat32(at, v, true);
      at += 4;
    }
  }
  return out;
}
