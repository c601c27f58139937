import { IdxFormatError, readIdxHeader } from './idx.js';
import { splitSizes, type ExperimentSplits, type SplitOptions } from './experiment-splits.js';
import { loadImageSet, sliceImageSet, type LoadOptions } from './image-set.js';
import { locateDataset, type DatasetFiles, type DatasetName } from './locate-dataset.js';

export interface LoadSplitsOptions extends LoadOptions, SplitOptions {
  /** The first N test images (default: all). */
  testSize?: number;
}

/** The experiment splits and where their files were found. */
export interface LoadedExperimentSplits extends ExperimentSplits {
  readonly files: DatasetFiles;
  /** Images in the published training and test files (most of which may not have been read). */
  readonly available: { train: number; test: number };
}

/**
 * `experimentSplits(await loadDataset(name))` without reading what the splits do not use: the
 * headers give the image counts, then only the first `trainSize`, the last `validationSize`
 * training images and the first `testSize` test images are read and converted.
 */
export async function loadExperimentSplits(name: DatasetName, options: LoadSplitsOptions = {}): Promise<LoadedExperimentSplits> {
  const files = locateDataset(name, options);
  const numClasses = options.numClasses ?? 10;
  const [trainHeader, testHeader] = await Promise.all([readIdxHeader(files.trainImages), readIdxHeader(files.testImages)]);
  const trainTotal = trainHeader.dims[0]!;
  const testTotal = testHeader.dims[0]!;
  const { trainSize, validationSize } = splitSizes(trainTotal, options);
  const testSize = options.testSize ?? testTotal;
  if (!Number.isInteger(testSize) || testSize <= 0) throw new Error(`testSize must be a positive integer, got ${testSize}`);
  if (testTotal === 0) throw new IdxFormatError(files.testImages, 'holds no test images');
  const [trainPart, test] = await Promise.all([
    loadImageSet(files.trainImages, files.trainLabels, numClasses, [
      [0, trainSize],
      [trainTotal - validationSize, trainTotal],
    ]),
    loadImageSet(files.testImages, files.testLabels, numClasses, [[0, Math.min(testSize, testTotal)]]),
  ]);
  return {
    train: sliceImageSet(trainPart, 0, trainSize),
    validation: sliceImageSet(trainPart, trainSize, trainSize + validationSize),
    test,
    files,
    available: { train: trainTotal, test: testTotal },
  };
}
