import { openRegularFile, type FileSafetyError } from '@liftguard/tensor/files';
import type { FileHandle } from 'node:fs/promises';
import type { ModelSpec } from './layer-spec.js';
import { importPytorchWeights, type PytorchImportOptions } from './pytorch-import.js';
import { parseSafetensors, SafetensorsError } from './safetensors.js';
import type { SequentialClassifier } from './sequential-classifier.js';

/** The safetensors format caps its JSON header at 100 MB. */
const maxHeaderBytes = 100 * 1024 ** 2;

/**
 * Reads a .safetensors file and imports it (see `importPytorchWeights`). Only a regular file is
 * opened, and its size on disk is checked against what the header promises before the tensor
 * data is read.
 */
export async function loadPytorchSafetensors(path: string, spec: ModelSpec, options: PytorchImportOptions): Promise<SequentialClassifier> {
  return importPytorchWeights(spec, parseSafetensors(await readSafetensorsFile(path), path), { source: path, ...options });
}

async function readSafetensorsFile(path: string): Promise<Uint8Array> {
  let opened: Awaited<ReturnType<typeof openRegularFile>>;
  try {
    opened = await openRegularFile(path, { what: 'safetensors file' });
  } catch (error) {
    // The file-safety message already names the path: keep it as the whole sentence.
    throw Object.assign(new SafetensorsError(path, (error as FileSafetyError).reason), { message: (error as Error).message });
  }
  const { handle, size } = opened;
  try {
    if (size >= 8) {
      const prefix = await readAt(handle, 0, 8);
      const headerLength = Number(new DataView(prefix.buffer).getBigUint64(0, true));
      if (headerLength > maxHeaderBytes) throw new SafetensorsError(path, `header length ${headerLength} is over the format's limit of ${maxHeaderBytes} bytes`);
      if (8 + headerLength > size) throw new SafetensorsError(path, `header length ${headerLength} runs past the end of the file (${size} bytes)`);
      const promised = 8 + headerLength + dataBytesPromised(await readAt(handle, 8, headerLength));
      if (promised > size) throw new SafetensorsError(path, `is ${size} bytes on disk but its header promises ${promised} (truncated?)`);
    }
    return await readAt(handle, 0, size);
  } finally {
    await handle.close();
  }
}

/** The end of the last tensor's data as the header states it (0 when the header cannot be read; parsing reports that). */
function dataBytesPromised(header: Uint8Array): number {
  try {
    const entries = Object.values(JSON.parse(new TextDecoder().decode(header)) ?? {}) as { data_offsets?: unknown }[];
    return Math.max(0, ...entries.map((e) => (Array.isArray(e?.data_offsets) && Number.isSafeInteger(e.data_offsets[1]) ? (e.data_offsets[1] as number) : 0)));
  } catch {
    return 0;
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(out, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return out.subarray(0, filled);
}
