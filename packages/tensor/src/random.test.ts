import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('reproduces a stream from its seed, numeric or string', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect(Array.from({ length: 5 }, () => a.nextUint32())).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    expect(new Random('mnist').next()).toBe(new Random('mnist').next());
    expect(new Random(1).next()).not.toBe(new Random(2).next());
  });

  it('draws uniform and normal values with the right moments', () => {
    const rng = new Random(7);
    const n = 100_000;
    const u = rng.uniformArray(n);
    const z = rng.normalArray(n);
    const mean = (v: Float32Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const variance = (v: Float32Array) => mean(v.map((x) => x * x)) - mean(v) ** 2;
    // 5 standard errors: a correct generator fails this with probability < 1e-6
    expect(Math.abs(mean(u) - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(mean(z))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(variance(z) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
  });

  it('uniformArray is the stream of next() values, and leaves the stream where next() would', () => {
    const bulk = new Random('bulk');
    const single = new Random('bulk');
    const values = bulk.uniformArray(1000, -0.3, 0.3);
    const expected = Float32Array.from({ length: 1000 }, () => -0.3 + 0.6 * single.next());
    expect(Array.from(values)).toEqual(Array.from(expected));
    expect(bulk.nextUint32()).toBe(single.nextUint32());
  });

  it('permutes without losing or repeating items', () => {
    const p = new Random(3).permutation(1000);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p.slice(0, 10))).not.toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('forks independent, reproducible streams without advancing the parent', () => {
    const parent = new Random(5);
    const first = parent.fork('init').next();
    expect(parent.fork('init').next()).toBe(first);
    expect(parent.fork('shuffle').next()).not.toBe(first);
    expect(parent.next()).toBe(new Random(5).next());
  });

  it('rejects bad arguments', () => {
    expect(() => new Random(Number.NaN)).toThrow(/seed must be finite/);
    expect(() => new Random(1).int(0)).toThrow(/positive integer/);
  });
});
