import { gunzipSync } from 'node:zlib';
import { FileSafetyError } from './file-error.js';

/** Deflate cannot compress better than about 1032:1, so a gzip of n bytes inflates to at most this many. */
export function maxInflatedBytes(compressedBytes: number): number {
  return compressedBytes * 1032 + 1024;
}

/** True when the bytes start with the gzip magic number. */
export function isGzipBytes(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Refuses, before inflating anything, a promised size that the compressed bytes cannot hold
 * or that exceeds `maxBytes`. Returns the cap to inflate with.
 */
export function checkPromisedInflation(path: string, compressedBytes: number, promisedBytes: number, maxBytes: number): number {
  if (promisedBytes > maxBytes) {
    throw new FileSafetyError(path, `refusing to decompress ${path}: its header promises ${promisedBytes} bytes, more than the limit of ${maxBytes}`, 'ETOOLARGE', `its header promises ${promisedBytes} bytes, more than the limit of ${maxBytes}`);
  }
  if (promisedBytes > maxInflatedBytes(compressedBytes)) {
    throw new FileSafetyError(path, `refusing to decompress ${path}: its header promises ${promisedBytes} bytes, more than ${compressedBytes} bytes of gzip can hold (corrupt header?)`, 'EBOMB', `its header promises ${promisedBytes} bytes, more than ${compressedBytes} bytes of gzip can hold (corrupt header?)`);
  }
  return promisedBytes;
}

/** The message for gzip data that inflates to more than its header promised. */
export function gzipBombError(path: string, maxOutputBytes: number): FileSafetyError {
  return new FileSafetyError(path, `refusing to decompress ${path}: it inflates to more than the ${maxOutputBytes} bytes its header promises (a gzip bomb or a corrupt file); stopped there`, 'EBOMB', `it inflates to more than the ${maxOutputBytes} bytes its header promises (a gzip bomb or a corrupt file); stopped there`);
}

/**
 * Inflates gzip bytes with a hard output cap (zlib `maxOutputLength`): inflation stops as soon
 * as the output would pass `maxOutputBytes`, so a bomb costs milliseconds, not gigabytes.
 */
export function gunzipBounded(bytes: Uint8Array, path: string, maxOutputBytes: number): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: Math.max(1, maxOutputBytes) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw gzipBombError(path, maxOutputBytes);
    throw new FileSafetyError(path, `cannot decompress ${path}: not a valid gzip stream (truncated or corrupt): ${(error as Error).message}`, 'EGZIP', `is not a valid gzip stream (truncated or corrupt): ${(error as Error).message}`);
  }
}
