import { sliceImageSet, type Dataset, type ImageSet } from './image-set.js';

/** The three sets an experiment uses. */
export interface ExperimentSplits {
  readonly train: ImageSet;
  readonly validation: ImageSet;
  readonly test: ImageSet;
}

export interface SplitOptions {
  /** The first `trainSize` training images (default: all that precede the validation set). */
  trainSize?: number;
  /** The last `validationSize` training images (default 10,000). */
  validationSize?: number;
}

/**
 * The experiments' splits: the first N training images for training, the last 10,000
 * training images for validation (never overlapping), and the published test set.
 */
export function experimentSplits(dataset: Pick<Dataset, 'train' | 'test'>, options: SplitOptions = {}): ExperimentSplits {
  const total = dataset.train.count;
  const { trainSize, validationSize } = splitSizes(total, options);
  return {
    train: sliceImageSet(dataset.train, 0, trainSize),
    validation: sliceImageSet(dataset.train, total - validationSize, total),
    test: dataset.test,
  };
}

/** The checked sizes of the training and validation sets cut from `total` training images. */
export function splitSizes(total: number, options: SplitOptions = {}): { trainSize: number; validationSize: number } {
  const validationSize = options.validationSize ?? 10_000;
  if (!Number.isInteger(validationSize) || validationSize < 0) {
    throw new Error(`validationSize must be a non-negative integer, got ${validationSize}`);
  }
  if (options.trainSize === undefined && validationSize >= total) {
    throw new Error(`validationSize ${validationSize} leaves no training images: the data set has ${total} training images`);
  }
  const trainSize = options.trainSize ?? total - validationSize;
  if (!Number.isInteger(trainSize) || trainSize <= 0) throw new Error(`trainSize must be a positive integer, got ${trainSize}`);
  if (trainSize + validationSize > total) {
    throw new Error(
      `trainSize ${trainSize} + validationSize ${validationSize} exceed the ${total} training images; ` +
        'training and validation images would overlap',
    );
  }
  return { trainSize, validationSize };
}
