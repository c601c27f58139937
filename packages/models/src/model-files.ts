import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSafetyError, readFileBounded, readTextBounded, replaceFolderAtomically } from '@liftguard/tensor/files';
import { checkManifestVersion, deserializeClassifier, ModelFormatError, serializeClassifier, weightsFileName, type ModelManifest } from './model-format.js';
import { SequentialClassifier } from './sequential-classifier.js';

export const manifestFileName = 'model.json';


/** Largest model.json read (the manifest is small; anything bigger is not one). */
const maxManifestBytes = 16 * 1024 ** 2;

/** A saved model and, when an earlier result was at the target, where it was moved. */
export interface SavedModel {
  manifest: ModelManifest;
  /** The earlier folder at `dir` (not written by this process), moved aside intact; undefined if there was none. */
  previous?: string;
}

/**
 * Writes `<dir>/model.json` and its weights file as one complete folder: both go into a fresh
 * temporary folder beside `dir`, which is then renamed into place (see `replaceFolderAtomically`
 * in `@liftguard/tensor/files`). Nothing is read from an old manifest and nothing this process
 * did not write is deleted: an earlier model is moved aside to `<dir>.previous-<time>`.
 */
export async function saveClassifierFolder(
  model: SequentialClassifier,
  dir: string,
  metadata: Record<string, unknown> = {},
  /** More files for the same folder (e.g. a report), written in the same atomic step; plain names only. */
  extraFiles: Record<string, string | Uint8Array> = {},
): Promise<SavedModel> {
  if (!(model instanceof SequentialClassifier)) {
    throw new ModelFormatError("saveClassifier writes LiftGuard's format for models built with @liftguard/models; for a wrapped tfjs model use saveTfjsModel(classifier, dir) from @liftguard/models/node");
  }
  const { manifest: fresh, weights } = await serializeClassifier(model, metadata);
  // A reader still holding the old manifest must never pair it with new weights under the same name.
  const file = existsSync(join(dir, weightsFileName)) ? `weights-${fresh.weights.sha256.slice(0, 16)}.bin` : weightsFileName;
  const manifest: ModelManifest = { ...fresh, weights: { ...fresh.weights, file } };
  for (const name of Object.keys(extraFiles)) {
    if (name === file || name === manifestFileName || !/^[\w][\w.-]*$/.test(name)) throw new Error(`saveClassifierFolder: extra file name '${name}' must be a plain file name other than the model's own`);
  }
  const { previous } = await replaceFolderAtomically(dir, async (folder) => {
    await writeFile(join(folder, file), weights, { flag: 'wx' });
    await writeFile(join(folder, manifestFileName), JSON.stringify(manifest, null, 2) + '\n', { flag: 'wx' });
    for (const [name, data] of Object.entries(extraFiles)) await writeFile(join(folder, name), data, { flag: 'wx' });
  });
  return previous === undefined ? { manifest } : { manifest, previous };
}

/** `saveClassifierFolder` returning the manifest only. */
export async function saveClassifier(model: SequentialClassifier, dir: string, metadata: Record<string, unknown> = {}): Promise<ModelManifest> {
  return (await saveClassifierFolder(model, dir, metadata)).manifest;
}

/** Reads a model saved by `saveClassifier`; errors name the file and the problem. Reads only regular files of the sizes the manifest promises. */
export async function loadClassifier(dir: string): Promise<SequentialClassifier> {
  const manifestPath = join(dir, manifestFileName);
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readTextBounded(manifestPath, { maxBytes: maxManifestBytes, what: 'model manifest' })) as ModelManifest;
  } catch (error) {
    if (error instanceof FileSafetyError) throw new ModelFormatError(error.message);
    throw new ModelFormatError(`${manifestPath}: cannot be read as JSON: ${(error as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest)) {
    throw new ModelFormatError(`${manifestPath}: not a LiftGuard model manifest (it is ${JSON.stringify(manifest)}, not an object)`);
  }
  checkManifestVersion(manifest, manifestPath);
  const weightsName = manifest.weights?.file;
  if (typeof weightsName !== 'string' || weightsName.includes('/') || weightsName.includes('\\') || weightsName === '..' || weightsName === '.' || weightsName === manifestFileName) {
    throw new ModelFormatError(`${manifestPath}: weights.file must be a file name next to the manifest`);
  }
  const byteLength = manifest.weights.byteLength;
  if (!Number.isSafeInteger(byteLength) || byteLength < 0) throw new ModelFormatError(`${manifestPath}: weights.byteLength must be a non-negative integer, got ${JSON.stringify(byteLength)}`);
  let weights: Uint8Array;
  try {
    weights = await readFileBounded(join(dir, weightsName), { what: 'weights file', maxBytes: byteLength });
  } catch (error) {
    throw new ModelFormatError((error as Error).message);
  }
  return deserializeClassifier(manifest, weights, manifestPath);
}
