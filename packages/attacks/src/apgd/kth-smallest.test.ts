// Selection against a full sort: random values, heavy ties, sorted and reversed input, every k.
import { describe, expect, it } from 'vitest';
import { Random } from '@liftguard/tensor';
import { kthSmallest } from './kth-smallest.js';

function sortedCopy(values: Float32Array): Float32Array {
  return Float32Array.from(values).sort();
}

describe('kthSmallest', () => {
  const random = new Random(7);
  const cases: [string, (n: number) => Float32Array][] = [
    ['uniform', (n) => Float32Array.from({ length: n }, () => random.next())],
    ['few distinct values (ties)', (n) => Float32Array.from({ length: n }, () => Math.floor(random.next() * 3))],
    ['mostly zeros', (n) => Float32Array.from({ length: n }, () => (random.next() < 0.9 ? 0 : random.next()))],
    ['sorted', (n) => Float32Array.from({ length: n }, (_, i) => i)],
    ['reversed', (n) => Float32Array.from({ length: n }, (_, i) => n - i)],
    ['all equal', (n) => new Float32Array(n).fill(0.5)],
  ];
  it.each(cases)('equals the k-th entry of the sorted values for every k (%s)', (_, make) => {
    for (const n of [1, 2, 3, 7, 64, 785]) {
      const values = make(n);
      const sorted = sortedCopy(values);
      const ks = n <= 64 ? Array.from({ length: n }, (_, k) => k) : [0, 1, n >> 2, n >> 1, n - 2, n - 1];
      for (const k of ks) expect(kthSmallest(Float32Array.from(values), k)).toBe(sorted[k]);
    }
  });

  it('keeps the same multiset of values', () => {
    const values = Float32Array.from({ length: 300 }, () => random.next());
    const copy = Float32Array.from(values);
    kthSmallest(copy, 150);
    expect(sortedCopy(copy)).toEqual(sortedCopy(values));
  });

  it('refuses a k outside the array', () => {
    expect(() => kthSmallest(new Float32Array(3), 3)).toThrow('kthSmallest: k must be an integer in [0, 3), got 3');
    expect(() => kthSmallest(new Float32Array(0), 0)).toThrow(RangeError);
  });
});
