import { describe, expect, it } from 'vitest';
import { experimentSplits } from './experiment-splits.js';
import { loadDataset } from './image-set.js';
import { tinyLabel, writeTinyDataset } from './test-support/tiny-idx.js';

describe('experimentSplits', async () => {
  const dataset = await loadDataset('mnist', { dataDir: writeTinyDataset({ count: 20, testCount: 4 }) });

  it('takes the first N for training and the last M for validation', () => {
    const { train, validation, test } = experimentSplits(dataset, { trainSize: 5, validationSize: 8 });
    expect(train.count).toBe(5);
    expect(Array.from(train.labels)).toEqual([0, 1, 2, 3, 4].map(tinyLabel));
    expect(validation.count).toBe(8);
    expect(Array.from(validation.labels)).toEqual([12, 13, 14, 15, 16, 17, 18, 19].map(tinyLabel));
    expect(test).toBe(dataset.test);
  });

  it('defaults to every image before the validation set', () => {
    const { train, validation } = experimentSplits(dataset, { validationSize: 6 });
    expect(train.count + validation.count).toBe(20);
  });

  it('refuses overlapping training and validation images', () => {
    expect(() => experimentSplits(dataset, { trainSize: 15, validationSize: 6 })).toThrow(/would overlap/);
    expect(() => experimentSplits(dataset, { trainSize: 0 })).toThrow(/trainSize must be a positive integer/);
    expect(() => experimentSplits(dataset, { trainSize: 2.5, validationSize: 1 })).toThrow(/trainSize must be a positive integer/);
  });
});
