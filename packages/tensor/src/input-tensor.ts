import * as tf from '@tensorflow/tfjs-core';

/** An input batch as callers hold it: a tensor, nested arrays or one flat typed/plain array. */
export type InputLike = tf.Tensor | number[] | readonly unknown[] | Float32Array | Uint8Array | Uint8ClampedArray | Int32Array | Float64Array;

/** Input of the wrong shape, dtype or values; the message says what was expected. */
export class InputShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputShapeError';
  }
}

const describe = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function nestedShape(value: unknown, path: string): number[] {
  if (typeof value === 'number') return [];
  if (!Array.isArray(value)) throw new InputShapeError(`input${path} is ${value === null ? 'null' : typeof value}, expected a number or an array`);
  if (value.length === 0) throw new InputShapeError(`input${path} is an empty array`);
  const inner = nestedShape(value[0], `${path}[0]`);
  for (let i = 1; i < value.length; i++) {
    const other = nestedShape(value[i], `${path}[${i}]`);
    if (other.length !== inner.length || other.some((d, k) => d !== inner[k])) {
      throw new InputShapeError(`input${path}[${i}] has shape ${describe(other)}, input${path}[0] has ${describe(inner)}: nested arrays must be rectangular`);
    }
  }
  return [value.length, ...inner];
}

/** x must be [batch, ...inputShape]; otherwise an InputShapeError with expected vs got (and the channel counts). */
export function assertInputShape(x: tf.Tensor, inputShape: readonly number[]): void {
  const got = x.shape;
  if (got.length === inputShape.length + 1 && inputShape.every((d, i) => got[i + 1] === d)) return;
  const channelHint = got.length === inputShape.length + 1 && got[got.length - 1] !== inputShape[inputShape.length - 1] ? ` (channels: expected ${inputShape[inputShape.length - 1]}, got ${got[got.length - 1]})` : '';
  throw new InputShapeError(`input has shape ${describe(got)}, the model expects [batch, ${inputShape.join(', ')}]${channelHint}`);
}

/**
 * The batch x as a float32 tensor [batch, ...inputShape] (the caller owns it). Accepts a
 * tensor, nested arrays ([batch][h][w][c] or [batch][features]) or one flat array whose length
 * is a multiple of the example size; anything else is a one-line InputShapeError saying what
 * was expected and what came.
 */
export function toInputTensor(x: InputLike, inputShape: readonly number[]): tf.Tensor {
  const exampleSize = inputShape.reduce((a, b) => a * b, 1);
  const expected = `[batch, ${inputShape.join(', ')}]`;
  if (x instanceof tf.Tensor) {
    assertInputShape(x, inputShape);
    return x.dtype === 'float32' ? x.clone() : tf.cast(x, 'float32');
  }
  if (ArrayBuffer.isView(x) || (Array.isArray(x) && x.every((v) => typeof v === 'number'))) {
    const flat = x as ArrayLike<number>;
    if (flat.length === 0 || flat.length % exampleSize !== 0) {
      throw new InputShapeError(`a flat input of ${flat.length} values is not a whole number of examples of ${exampleSize} values (${expected})`);
    }
    return tf.tensor(Float32Array.from(flat), [flat.length / exampleSize, ...inputShape], 'float32');
  }
  if (Array.isArray(x)) {
    const shape = nestedShape(x, '');
    const sameExample = shape.length === inputShape.length + 1 && inputShape.every((d, i) => shape[i + 1] === d);
    if (!sameExample) throw new InputShapeError(`input has shape ${describe(shape)}, the model expects ${expected}`);
    return tf.tensor((x as unknown[]).flat(Infinity) as number[], shape, 'float32');
  }
  throw new InputShapeError(`input must be a tf.Tensor, nested arrays or a flat typed array, got ${x === null ? 'null' : typeof x}`);
}
