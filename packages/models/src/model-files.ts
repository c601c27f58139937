import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkManifestVersion, deserializeClassifier, ModelFormatError, serializeClassifier, type ModelManifest } from './model-format.js';
import type { SequentialClassifier } from './sequential-classifier.js';

export const manifestFileName = 'model.json';

/** Writes `<dir>/model.json` and `<dir>/weights.bin` (weights first, so a manifest never points at missing bytes). */
export async function saveClassifier(model: SequentialClassifier, dir: string, metadata: Record<string, unknown> = {}): Promise<ModelManifest> {
  const { manifest, weights } = await serializeClassifier(model, metadata);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, manifest.weights.file), weights);
  // Write-then-rename keeps a half-written manifest from ever being read.
  const temporary = join(dir, `${manifestFileName}.tmp`);
  await writeFile(temporary, JSON.stringify(manifest, null, 2) + '\n');
  await rename(temporary, join(dir, manifestFileName));
  return manifest;
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
