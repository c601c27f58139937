import { describe, expect, it } from 'vitest';
import { encodeSafetensors, parseSafetensors, SafetensorsError } from './safetensors.js';

/** A safetensors file assembled by hand from the format description. */
function handMade(header: object, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('parseSafetensors', () => {
  it('reads F32, F16, BF16 and F64 little-endian data into float32', () => {
    const bytes = handMade(
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        h: { dtype: 'F16', shape: [3], data_offsets: [8, 14] },
        b: { dtype: 'BF16', shape: [1], data_offsets: [14, 16] },
        d: { dtype: 'F64', shape: [], data_offsets: [16, 24] },
      },
      [
        ...[0x00, 0x00, 0xc0, 0x3f], // 1.5f
        ...[0x00, 0x00, 0x20, 0xc1], // -10f
        ...[0x00, 0x3c], // half 1.0
        ...[0x00, 0xc0], // half -2.0
        ...[0x01, 0x00], // smallest half subnormal 2^-24
        ...[0x80, 0x3f], // bfloat16 1.0
        ...[0, 0, 0, 0, 0, 0, 0x10, 0x40], // double 4.0
      ],
    );
    const tensors = parseSafetensors(bytes);
    expect([...tensors.keys()].sort()).toEqual(['a', 'b', 'd', 'h']);
    expect(Array.from(tensors.get('a')!.values)).toEqual([1.5, -10]);
    expect(Array.from(tensors.get('h')!.values)).toEqual([1, -2, 2 ** -24]);
    expect(Array.from(tensors.get('b')!.values)).toEqual([1]);
    expect(tensors.get('d')!.shape).toEqual([]);
    expect(Array.from(tensors.get('d')!.values)).toEqual([4]);
  });

  it('reads what encodeSafetensors writes', () => {
    const values = Float32Array.from([0.1, -2, 3e-8, 7, 8, 9]);
    const file = encodeSafetensors({ 'fc.weight': { shape: [2, 3], values }, 'fc.bias': { shape: [2], values: Float32Array.from([1, 2]) } });
    // The data section is 8-byte aligned.
    expect((8 + Number(new DataView(file.buffer).getBigUint64(0, true))) % 8).toBe(0);
    const tensors = parseSafetensors(file);
    expect(tensors.get('fc.weight')!.shape).toEqual([2, 3]);
    expect(tensors.get('fc.weight')!.values).toEqual(values);
  });

  it('names the file and the problem for malformed input', () => {
    expect(() => parseSafetensors(new Uint8Array(4), 'w.safetensors')).toThrow(/w.safetensors: is 4 bytes long/);
    const past = new Uint8Array(16);
    new DataView(past.buffer).setUint32(0, 100, true);
    expect(() => parseSafetensors(past, 'w.safetensors')).toThrow(/header length 100 runs past the end/);
    expect(() => parseSafetensors(handMade({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Array(8).fill(0)), 'w.safetensors')).toThrow(
      /a: data_offsets \[0,8\] do not hold \[3\] F32 within 8 data bytes/,
    );
    expect(() => parseSafetensors(handMade({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Array(8).fill(0)))).toThrow(/dtype I64 is not supported/);
    const notJson = handMade({}, []);
    notJson[9] = 0x7b;
    notJson[8] = 0x7b;
    expect(() => parseSafetensors(notJson, 'x')).toThrow(SafetensorsError);
  });
});
