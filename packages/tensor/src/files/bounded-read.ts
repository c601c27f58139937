import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { describeFileError, FileSafetyError } from './file-error.js';

/** Default ceiling for any single input file (4 GiB); callers pass tighter ones when they know better. */
export const defaultMaxFileBytes = 4 * 1024 ** 3;

export interface BoundedReadOptions {
  /** Refuse files larger than this many bytes on disk (default `defaultMaxFileBytes`). */
  maxBytes?: number;
  /** The exact size a header or manifest promises; any other size on disk is refused before reading. */
  expectedBytes?: number;
  /** What the file is, for messages ("weights file", "IDX file"…; default "file"). */
  what?: string;
}

/** Says what kind of non-regular file `stats` describes. */
function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` for reading only if it is (or a symbolic link leads to) a regular file within
 * the size limits. Opens non-blocking so a FIFO cannot hang the open, then checks the opened
 * file itself (no race between check and open). The caller closes the handle.
 */
export async function openRegularFile(path: string, options: BoundedReadOptions = {}): Promise<{ handle: FileHandle; size: number }> {
  const what = options.what ?? 'file';
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw describeFileError(error, path, `read the ${what}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new FileSafetyError(path, `refusing to read ${path}: the ${what} is ${kindOf(stats)}, not a regular file`, 'ENOTREGULAR', `it is ${kindOf(stats)}, not a regular file`);
    }
    checkSize(path, stats.size, options);
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof FileSafetyError ? error : describeFileError(error, path, `read the ${what}`);
  }
}

function checkSize(path: string, size: number, options: BoundedReadOptions): void {
  const what = options.what ?? 'file';
  const maxBytes = options.maxBytes ?? defaultMaxFileBytes;
  if (options.expectedBytes !== undefined && size !== options.expectedBytes) {
    throw new FileSafetyError(path, `refusing to read ${path}: the ${what} is ${size} bytes on disk but ${options.expectedBytes} bytes were promised (truncated or wrong file)`, 'ESIZE', `it is ${size} bytes on disk but ${options.expectedBytes} bytes were promised (truncated or wrong file)`);
  }
  if (size > maxBytes) {
    throw new FileSafetyError(path, `refusing to read ${path}: the ${what} is ${size} bytes, more than the limit of ${maxBytes}`, 'ETOOLARGE', `it is ${size} bytes, more than the limit of ${maxBytes}`);
  }
}

/** Reads a whole regular file after checking its kind and size (see `openRegularFile`); never reads past the size seen. */
export async function readFileBounded(path: string, options: BoundedReadOptions = {}): Promise<Uint8Array> {
  const { handle, size } = await openRegularFile(path, options);
  try {
    const out = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(out, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== size) {
      throw new FileSafetyError(path, `cannot read ${path}: it shrank from ${size} to ${filled} bytes while being read`, 'ESIZE');
    }
    return out;
  } catch (error) {
    throw error instanceof FileSafetyError ? error : describeFileError(error, path, `read the ${options.what ?? 'file'}`);
  } finally {
    await handle.close();
  }
}

/** Reads a regular file as UTF-8 text with the same checks (default limit 64 MiB, for manifests and JSON). */
export async function readTextBounded(path: string, options: BoundedReadOptions = {}): Promise<string> {
  const bytes = await readFileBounded(path, { maxBytes: 64 * 1024 ** 2, ...options });
  return new TextDecoder('utf-8').decode(bytes);
}
