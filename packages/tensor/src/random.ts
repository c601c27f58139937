import * as tf from '@tensorflow/tfjs-core';

/** A seed: an integer or a string (hashed). */
export type Seed = number | string;

function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitMix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded pseudo-random stream (xoshiro128**), independent of tfjs and of the backend,
 * so initializations, shuffles and random starts are reproducible everywhere.
 */
export class Random {
  private readonly s = new Uint32Array(4);
  private spareNormal: number | undefined;
  readonly seed: number;

  constructor(seed: Seed) {
    if (typeof seed === 'number' && !Number.isFinite(seed)) throw new Error(`seed must be finite, got ${seed}`);
    this.seed = typeof seed === 'string' ? hashString(seed) : Math.trunc(seed) >>> 0;
    const mix = splitMix32(this.seed);
    for (let i = 0; i < 4; i++) this.s[i] = mix();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[] | Int32Array | Uint32Array | Float32Array): typeof items {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp as never;
    }
    return items;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p) as Int32Array;
  }

  /** An independent stream derived from this seed and a label (does not advance this one). */
  fork(label: Seed): Random {
    const tag = typeof label === 'string' ? hashString(label) : label >>> 0;
    return new Random((Math.imul(this.seed ^ tag, 0x9e3779b1) + tag) >>> 0);
  }

  /** Float32 values ~ N(mean, std²). */
  normalArray(size: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Float32 values ~ U[low, high). */
  uniformArray(size: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(size);
    // nextUint32 with the state in locals (the same stream): random starts draw 10⁶ values.
    const state = this.s;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    for (let i = 0; i < size; i++) {
      const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = (s1 << 9) >>> 0;
      s2 = (s2 ^ s0) >>> 0;
      s3 = (s3 ^ s1) >>> 0;
      s1 = (s1 ^ s2) >>> 0;
      s0 = (s0 ^ s3) >>> 0;
      s2 = (s2 ^ t) >>> 0;
      s3 = rotl(s3, 11);
      out[i] = low + (high - low) * (result / 0x100000000);
    }
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return out;
  }

  /** A tensor ~ N(mean, std²), the same values on every backend. */
  normalTensor(shape: number[], mean = 0, std = 1): tf.Tensor {
    return tf.tensor(this.normalArray(sizeOf(shape), mean, std), shape, 'float32');
  }

  /** A tensor ~ U[low, high), the same values on every backend. */
  uniformTensor(shape: number[], low = 0, high = 1): tf.Tensor {
    return tf.tensor(this.uniformArray(sizeOf(shape), low, high), shape, 'float32');
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function sizeOf(shape: number[]): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape [${shape.join(', ')}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}
