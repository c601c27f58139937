import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkManifestVersion, deserializeClassifier, ModelFormatError, serializeClassifier, type ModelManifest } from './model-format.js';
import type { SequentialClassifier } from './sequential-classifier.js';

export const manifestFileName = 'model.json';

/**
 * Writes `<dir>/model.json` and the weights file it names. Saving over an earlier model is
 * crash-safe (Ctrl-C, kill): the new weights go to a file named by their hash, then the
 * manifest is replaced by an atomic rename, then the old weights file is removed — so
 * `model.json` always names a complete weights file of its own.
 */
export async function saveClassifier(model: SequentialClassifier, dir: string, metadata: Record<string, unknown> = {}): Promise<ModelManifest> {
  const { manifest: fresh, weights } = await serializeClassifier(model, metadata);
  await mkdir(dir, { recursive: true });
  const previous = await previousWeightsFile(dir);
  const file = previous === fresh.weights.file ? `weights-${fresh.weights.sha256.slice(0, 16)}.bin` : fresh.weights.file;
  const manifest: ModelManifest = { ...fresh, weights: { ...fresh.weights, file } };
  await writeFile(join(dir, file), weights);
  const temporary = join(dir, `${manifestFileName}.tmp`);
  await writeFile(temporary, JSON.stringify(manifest, null, 2) + '\n');
  await rename(temporary, join(dir, manifestFileName));
  if (previous !== undefined && previous !== file) await rm(join(dir, previous), { force: true });
  return manifest;
}

/** The weights file an existing manifest in `dir` names, if any. */
async function previousWeightsFile(dir: string): Promise<string | undefined> {
  try {
    const existing = JSON.parse(await readFile(join(dir, manifestFileName), 'utf8')) as Partial<ModelManifest>;
    const file = existing.weights?.file;
    return typeof file === 'string' && !file.includes('/') && !file.includes('\\') ? file : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a model saved by `saveClassifier`; errors name the file and the problem. */
export async function loadClassifier(dir: string): Promise<SequentialClassifier> {
  const manifestPath = join(dir, manifestFileName);
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as ModelManifest;
  } catch (error) {
    throw new ModelFormatError(`${manifestPath}: cannot be read as JSON: ${(error as Error).message}`);
  }
  checkManifestVersion(manifest, manifestPath);
  const weightsName = manifest.weights?.file;
  if (typeof weightsName !== 'string' || weightsName.includes('/') || weightsName.includes('\\')) {
    throw new ModelFormatError(`${manifestPath}: weights.file must be a file name next to the manifest`);
  }
  let weights: Uint8Array;
  try {
    weights = await readFile(join(dir, weightsName));
  } catch (error) {
    throw new ModelFormatError(`${join(dir, weightsName)}: cannot be read: ${(error as Error).message}`);
  }
  return deserializeClassifier(manifest, weights, manifestPath);
}
