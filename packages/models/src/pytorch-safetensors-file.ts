import { readFile } from 'node:fs/promises';
import type { ModelSpec } from './layer-spec.js';
import { importPytorchWeights, type PytorchImportOptions } from './pytorch-import.js';
import { parseSafetensors, SafetensorsError } from './safetensors.js';
import type { SequentialClassifier } from './sequential-classifier.js';

/** Reads a .safetensors file and imports it (see `importPytorchWeights`). */
export async function loadPytorchSafetensors(path: string, spec: ModelSpec, options: PytorchImportOptions): Promise<SequentialClassifier> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new SafetensorsError(path, `cannot be read: ${(error as Error).message}`);
  }
  return importPytorchWeights(spec, parseSafetensors(bytes, path), { source: path, ...options });
}
