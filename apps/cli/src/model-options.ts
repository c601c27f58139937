import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Classifier } from '@liftguard/tensor';
import { join } from 'node:path';
import { cnn, cnnLight, initializations, mlp, type Initialization, type SequentialClassifier } from '@liftguard/models';
import { loadClassifier, manifestFileName } from '@liftguard/models/node';
import { choiceOption, numberListOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { CliError, UsageError } from './errors.js';
import { checkFitsInMemory, maxLayerWidth, trainingBytes } from './limits.js';

export const modelBuilders = ['mlp', 'cnn-light', 'cnn'] as const;

export const modelOptions: Record<string, OptionSpec> = {
  model: { type: 'string', placeholder: 'NAME|DIR', description: 'mlp | cnn-light | cnn, or a saved model directory', default: 'mlp' },
  widths: { type: 'string', placeholder: 'LIST', description: 'MLP widths, input first (default 784,128,128,10)' },
  init: { type: 'string', placeholder: 'NAME', description: `initialization: ${initializations.join(' | ')} (default: lifted for mlp, pytorch for CNNs)` },
};

/** The MLP widths the flags ask for, checked against the limits and free memory (before any work starts). */
export function widthsOption(values: OptionValues): number[] | undefined {
  const widths = numberListOption(values, 'widths', 1);
  if (widths === undefined) return undefined;
  if (widths.length < 2 || widths.some((w) => !Number.isInteger(w))) throw new UsageError('--widths needs at least two integers');
  checkWidths(widths, values['allow-large'] === true);
  return widths;
}

/** Builds a fresh model from a builder name, or loads one from a directory. */
export async function resolveModel(values: OptionValues, seed: number): Promise<{ model: SequentialClassifier; id: string }> {
  const name = String(values.model ?? 'mlp');
  if ((modelBuilders as readonly string[]).includes(name)) {
    const initialization = choiceOption(values, 'init', initializations) as Initialization | undefined;
    const options = { seed, ...(initialization ? { initialization } : {}) };
    if (name === 'mlp') {
      const widths = widthsOption(values);
      return { model: mlp(widths, options), id: `mlp-${(widths ?? [784, 128, 128, 10]).join('-')}` };
    }
    return { model: name === 'cnn' ? cnn(options) : cnnLight(options), id: name };
  }
  if (values.widths !== undefined) throw new UsageError('--widths applies to --model mlp only');
  return { model: await loadModel(name), id: name };
}

/** Refuses layer widths above the limit (unless allowed) and models that would not fit in memory. */
function checkWidths(widths: number[], allowLarge: boolean): void {
  const widest = Math.max(...widths);
  if (widest > maxLayerWidth && !allowLarge) {
    throw new UsageError(`--widths has a layer of ${widest} units, above the limit ${maxLayerWidth}; pass --allow-large to go beyond it`);
  }
  checkFitsInMemory(`an MLP of widths ${widths.join(',')}`, trainingBytes(widths));
}

/** Loads a saved model directory with errors a user can act on. */
export async function loadModel(dir: string): Promise<SequentialClassifier> {
  if (!existsSync(dir)) {
    throw new CliError(`model not found: ${dir} (give a directory written by 'liftguard train', or one of ${modelBuilders.join(', ')})`);
  }
  if (!existsSync(join(dir, manifestFileName))) throw new CliError(`${dir} has no ${manifestFileName}: not a LiftGuard model directory`);
  try {
    return await loadClassifier(dir);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** Refuses a model whose input does not take the dataset's images. */
export function checkModelFitsImages(model: Classifier, height: number, width: number, dataset: string, channels = 1): void {
  const inputSize = model.inputShape.reduce((a, b) => a * b, 1);
  if (inputSize !== height * width * channels) {
    const shape = channels === 1 ? `${height}×${width}` : `${height}×${width}×${channels}`;
    throw new CliError(`the model takes inputs of shape [${model.inputShape.join(', ')}] (${inputSize} values) but ${dataset} images are ${shape}${dataset === 'mnist' || dataset === 'fashion-mnist' ? ' (give your images with --data)' : ''}`);
  }
}

/** The SHA-256 of a saved model's weights, as its manifest records it. */
export function modelHash(path: string): string {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, manifestFileName) : path;
  const text = readFileSync(file);
  const manifest = JSON.parse(text.toString('utf8')) as { weights?: { sha256?: string } };
  // LiftGuard manifests record their weights' hash; for a tfjs model.json, the manifest's own hash.
  return manifest.weights?.sha256 ? `sha256:${manifest.weights.sha256}` : `sha256:${createHash('sha256').update(text).digest('hex')} (model.json)`;
}
