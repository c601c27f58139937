import { DataSourceError } from './data-source-error.js';
import type { NumericArray } from './npy.js';

/** Values given in memory: nested JS arrays (shape read from them), or a flat array or typed array with a shape. */
export type ArrayInput = NestedNumbers | NumericArray | readonly number[];
export type NestedNumbers = readonly (number | NestedNumbers)[];

/** A validated in-memory array: its shape and its values in row-major order. */
export interface ShapedValues {
  readonly shape: readonly number[];
  readonly data: NumericArray | Float64Array;
  /** True when the values came as bytes (a Uint8Array or Uint8ClampedArray), i.e. in [0, 255]. */
  readonly bytes: boolean;
}

/**
 * Reads an in-memory array. Nested arrays must be rectangular (a ragged one is refused,
 * naming the first entry whose length differs); a flat or typed array needs `shape`.
 */
export function shapedValues(input: unknown, shape: readonly number[] | undefined, name: string): ShapedValues {
  if (ArrayBuffer.isView(input) && !(input instanceof DataView)) {
    const data = input instanceof Uint8ClampedArray ? new Uint8Array(input.buffer, input.byteOffset, input.length) : (input as NumericArray);
    if (typeof (data as unknown as BigInt64Array)[0] === 'bigint') throw new DataSourceError(name, 'is a BigInt array; pass numbers (e.g. Float64Array or Int32Array)');
    const bytes = data instanceof Uint8Array;
    return { shape: checkShape(shape ?? [data.length], data.length, name), data, bytes };
  }
  if (!Array.isArray(input)) {
    throw new DataSourceError(name, `must be an array, a typed array or nested arrays of numbers, got ${input === null ? 'null' : typeof input}`);
  }
  if (shape !== undefined && input.every((v) => typeof v === 'number')) {
    return { shape: checkShape(shape, input.length, name), data: Float64Array.from(input as number[]), bytes: false };
  }
  const nestedShape = shapeOfNested(input as NestedNumbers, name);
  if (shape !== undefined) checkShape(shape, nestedShape.reduce((a, b) => a * b, 1), name);
  const data = new Float64Array(nestedShape.reduce((a, b) => a * b, 1));
  let at = 0;
  const walk = (value: NestedNumbers | number): void => {
    if (typeof value === 'number') data[at++] = value;
    else for (const v of value) walk(v);
  };
  walk(input as NestedNumbers);
  return { shape: shape ?? nestedShape, data, bytes: false };
}

function checkShape(shape: readonly number[], length: number, name: string): readonly number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new DataSourceError(name, `shape must be non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== length) throw new DataSourceError(name, `shape [${shape.join(', ')}] holds ${count} values, the array has ${length}`);
  return shape;
}

/** The shape of rectangular nested arrays; a ragged or non-numeric entry is a clear error naming its position. */
function shapeOfNested(input: NestedNumbers, name: string): number[] {
  const shape: number[] = [];
  for (let level: unknown = input; Array.isArray(level); level = level[0]) shape.push(level.length);
  const visit = (value: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof value !== 'number') throw new DataSourceError(name, `${path} is ${describe(value)}, expected a number (nesting depth ${shape.length})`);
      return;
    }
    if (!Array.isArray(value)) throw new DataSourceError(name, `${path} is ${describe(value)}, expected an array of ${shape[depth]} (nested arrays must be rectangular)`);
    if (value.length !== shape[depth]) {
      throw new DataSourceError(name, `is ragged: ${path} has ${value.length} entries, expected ${shape[depth]} like ${name}${'[0]'.repeat(depth)}`);
    }
    value.forEach((v: unknown, i: number) => visit(v, depth + 1, `${path}[${i}]`));
  };
  visit(input, 0, name);
  return shape;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 20))}` : `${typeof value === 'undefined' ? 'missing' : `a ${typeof value}`}`;
}
