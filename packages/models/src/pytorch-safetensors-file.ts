import { readFileBounded } from '@liftguard/tensor/files';
import type { ModelSpec } from './layer-spec.js';
import { importPytorchWeights, type PytorchImportOptions } from './pytorch-import.js';
import { parseSafetensors, SafetensorsError } from './safetensors.js';
import type { SequentialClassifier } from './sequential-classifier.js';

/** Reads a .safetensors file (a regular file only, size-limited) and imports it (see `importPytorchWeights`). */
export async function loadPytorchSafetensors(path: string, spec: ModelSpec, options: PytorchImportOptions): Promise<SequentialClassifier> {
  let bytes: Uint8Array;
  try {
    bytes = await readFileBounded(path, { what: 'safetensors file' });
  } catch (error) {
    // The file-safety message already names the path: keep it as the whole sentence.
    throw Object.assign(new SafetensorsError(path, (error as Error).message), { message: (error as Error).message });
  }
  return importPytorchWeights(spec, parseSafetensors(bytes, path), { source: path, ...options });
}
