import { describe, expect, it } from 'vitest';
import { oneHot } from './one-hot.js';

describe('oneHot', () => {
  it('puts a single 1 in each row at the label', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('rejects labels outside the classes', () => {
    expect(() => oneHot([1, 3], 3)).toThrow(/label 3 at index 1 is not a class in 0..2/);
    expect(() => oneHot([Number.NaN], 3)).toThrow(/label NaN/);
  });
});
