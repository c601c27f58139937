import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { DataSourceError } from './data-source-error.js';

/** Default cap on what one file may make us allocate (decoded or decompressed bytes). */
export const defaultMaxBytes = 2 ** 31;

/** A regular file opened for reading: refuses devices, FIFOs, sockets and directories (also behind symlinks) before opening. */
export class RegularFile {
  private constructor(
    readonly path: string,
    readonly size: number,
    private readonly handle: FileHandle,
  ) {}

  static async open(path: string): Promise<RegularFile> {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new DataSourceError(path, error.code === 'ENOENT' ? 'does not exist' : `cannot be read: ${error.message}`);
    });
    checkRegular(info, path);
    // O_NONBLOCK: should the path be swapped for a FIFO after stat, opening it must not hang.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: Error) => {
      throw new DataSourceError(path, `cannot be read: ${error.message}`);
    });
    const opened = await handle.stat();
    if (!opened.isFile()) {
      await handle.close();
      checkRegular(opened, path);
    }
    return new RegularFile(path, opened.size, handle);
  }

  /** Exactly `length` bytes at `offset`; fewer on disk is a "truncated" error. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset + length > this.size) {
      throw new DataSourceError(this.path, `is truncated: needs bytes ${offset}..${offset + length} but the file has ${this.size}`);
    }
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(out, done, length - done, offset + done);
      if (bytesRead === 0) throw new DataSourceError(this.path, `is truncated: ended after ${offset + done} bytes while reading`);
      done += bytesRead;
    }
    return out;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function checkRegular(info: { isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }, path: string): void {
  if (info.isFile()) return;
  const kind = info.isDirectory()
    ? 'a directory'
    : info.isFIFO()
      ? 'a FIFO (named pipe)'
      : info.isCharacterDevice() || info.isBlockDevice()
        ? 'a device'
        : info.isSocket()
          ? 'a socket'
          : 'not a regular file';
  throw new DataSourceError(path, `is ${kind}, not a regular file: only regular files are read`);
}

/** Runs `use` on the opened file and closes it afterwards. */
export async function withRegularFile<T>(path: string, use: (file: RegularFile) => Promise<T>): Promise<T> {
  const file = await RegularFile.open(path);
  try {
    return await use(file);
  } finally {
    await file.close();
  }
}

/** A whole regular file, refused before reading when it is larger than `maxBytes`. */
export function readRegularFile(path: string, maxBytes = defaultMaxBytes): Promise<Uint8Array> {
  return withRegularFile(path, async (file) => {
    if (file.size > maxBytes) throw new DataSourceError(path, `is ${file.size} bytes, more than the ${maxBytes}-byte limit (option maxBytes)`);
    return file.read(0, file.size);
  });
}
