import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { readTextBounded } from '@liftguard/tensor/files';
import { SequentialClassifier } from '@liftguard/models';
import { loadClassifier, loadGraphModelClassifierFile, loadLayersModelClassifierFile, manifestFileName } from '@liftguard/models/node';
import { numberListOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { CliError, UsageError } from './errors.js';

/** Flags that say how to read a model LiftGuard did not write. */
export const userModelOptions: Record<string, OptionSpec> = {
  'input-range': { type: 'string', placeholder: 'RANGE', description: "the model's pixel range: 0-1, 0-255, -1-1 or LOW,HIGH (ε and clipping are in these units; default: the model's own, else 0-1)" },
  mean: { type: 'string', placeholder: 'LIST', description: 'per-channel mean subtracted inside the model (e.g. 0.485,0.456,0.406)' },
  std: { type: 'string', placeholder: 'LIST', description: 'per-channel std divided inside the model' },
  'logits-layer': { type: 'string', placeholder: 'NAME', description: 'tfjs LayersModel: the layer whose output are the logits (default: the pre-activation of the last layer)' },
  'output-node': { type: 'string', placeholder: 'NAME', description: 'tfjs GraphModel: the node whose output are the logits (default: the input of a final Softmax)' },
  'input-shape': { type: 'string', placeholder: 'LIST', description: 'tfjs GraphModel: input shape without the batch, when the graph does not fix it (e.g. 224,224,3)' },
};

/** A classifier read from a path, with what it is and how to release it. */
export interface LoadedModel {
  classifier: Classifier;
  /** 'liftguard-model' | 'layers-model' | 'graph-model'. */
  format: string;
  /** The path as given. */
  id: string;
  dispose(): void;
}

/** The `format` of a model.json at `path` (a file or its folder). */
async function modelFormat(path: string): Promise<{ file: string; format: string }> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, manifestFileName) : path;
  if (!existsSync(file)) throw new CliError(`model not found: ${file} (give a model.json, its folder, or a folder written by liftguard)`);
  let json: { format?: unknown };
  try {
    json = JSON.parse(await readTextBounded(file, { maxBytes: 64 * 1024 ** 2 })) as { format?: unknown };
  } catch (error) {
    throw new CliError(`${file}: not a model.json: ${(error as Error).message.split('\n')[0]}`);
  }
  return { file, format: typeof json.format === 'string' ? json.format : 'unknown' };
}

/** The input-space flags as the models package's options. */
function inputSpace(values: OptionValues): { range?: readonly [number, number] | '0-1' | '0-255' | '-1-1'; mean?: number[]; std?: number[] } {
  const space: { range?: readonly [number, number] | '0-1' | '0-255' | '-1-1'; mean?: number[]; std?: number[] } = {};
  const range = values['input-range'];
  if (typeof range === 'string') {
    if (range === '0-1' || range === '0-255' || range === '-1-1') space.range = range;
    else {
      const bounds = numberListOption(values, 'input-range');
      if (bounds?.length !== 2 || !(bounds[0]! < bounds[1]!)) throw new UsageError(`--input-range must be 0-1, 0-255, -1-1 or LOW,HIGH with LOW < HIGH; got '${range}'`);
      space.range = [bounds[0]!, bounds[1]!];
    }
  }
  const mean = numberListOption(values, 'mean');
  const std = numberListOption(values, 'std', Number.MIN_VALUE);
  if (mean) space.mean = mean;
  if (std) space.std = std;
  return space;
}

/**
 * Reads any model the CLI takes: a folder written by liftguard, or a tfjs LayersModel or
 * GraphModel (model.json and shards; softmax heads are looked through to the logits).
 */
export async function loadUserModel(path: string, values: OptionValues): Promise<LoadedModel> {
  const { file, format } = await modelFormat(path);
  const space = inputSpace(values);
  const release = (classifier: Classifier) => () => tf.dispose(classifier.trainableVariables as tf.Variable[]);
  try {
    if (format === 'liftguard-model') {
      if (Object.keys(space).length > 0 || values['logits-layer'] !== undefined) throw new UsageError('--input-range, --mean, --std and --logits-layer apply to tfjs models; a LiftGuard model declares its own');
      const classifier = await loadClassifier(file.endsWith(manifestFileName) ? join(file, '..') : file);
      return { classifier, format, id: path, dispose: release(classifier) };
    }
    if (format === 'layers-model') {
      const classifier = await loadLayersModelClassifierFile(file, { ...space, ...(typeof values['logits-layer'] === 'string' ? { logitsLayer: values['logits-layer'] } : {}) });
      return { classifier, format, id: path, dispose: () => (classifier as Classifier & { model?: { dispose?: () => void } }).model?.dispose?.() };
    }
    if (format === 'graph-model') {
      const inputShape = numberListOption(values, 'input-shape', 1);
      const classifier = await loadGraphModelClassifierFile(file, { ...space, ...(typeof values['output-node'] === 'string' ? { outputName: values['output-node'] } : {}), ...(inputShape ? { inputShape } : {}) });
      return { classifier, format, id: path, dispose: () => (classifier as Classifier & { model?: { dispose?: () => void } }).model?.dispose?.() };
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof CliError) throw error;
    throw new CliError((error as Error).message.split('\n')[0]!);
  }
  throw new CliError(`${file}: unknown model format ${JSON.stringify(format)} (LiftGuard reads liftguard-model, and tfjs layers-model and graph-model)`);
}

/** Whether a loaded model is LiftGuard's own MLP/CNN (internal-layer attacks, LiftGuard's save format). */
export function isSequential(classifier: Classifier): classifier is SequentialClassifier {
  return classifier instanceof SequentialClassifier;
}
