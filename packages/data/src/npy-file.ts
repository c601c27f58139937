import { DataSourceError } from './data-source-error.js';
import { checkNpyLength, decodeNpyData, npyHeaderLength, parseNpyHeader, rowValues, type NpyArray, type NpyHeader } from './npy.js';
import { defaultMaxBytes, withRegularFile, type RegularFile } from './regular-file.js';
import type { ZipArchive } from './zip-archive.js';

export interface NpyReadOptions {
  /** Read only the first `rows` entries of the outermost axis (C order reads only their bytes). */
  rows?: number | undefined;
  /** Refuse arrays whose values take more bytes than this (default 2 GiB). */
  maxBytes?: number | undefined;
}

/** Reads a .npy file: the header first, its promised size checked against the file's, then only the bytes needed. */
export function readNpyFile(path: string, options: NpyReadOptions = {}): Promise<NpyArray> {
  return withRegularFile(path, async (file) => {
    const header = await readHeader(file);
    checkNpyLength(header, file.size, path);
    const bytes = bytesToRead(header, options, path);
    return decodeNpyData(header, await file.read(header.dataOffset, bytes), path, options.rows);
  });
}

async function readHeader(file: RegularFile): Promise<NpyHeader> {
  const start = await file.read(0, Math.min(file.size, 12));
  const length = npyHeaderLength(start, file.path);
  return parseNpyHeader(await file.read(0, length), file.path);
}

/** The bytes of values to read: the first rows' in C order, all of them in Fortran order; capped by maxBytes. */
function bytesToRead(header: NpyHeader, { rows, maxBytes = defaultMaxBytes }: NpyReadOptions, source: string): number {
  const partial = rows !== undefined && !header.fortranOrder && header.shape.length > 0;
  const bytes = partial ? Math.min(rows, header.shape[0]!) * rowValues(header.shape) * header.itemBytes : header.dataBytes;
  if (bytes > maxBytes) throw new DataSourceError(source, `needs ${bytes} bytes of values, more than the ${maxBytes}-byte limit (option maxBytes)`);
  return bytes;
}

/** Reads array `name` (without `.npy`) from an opened .npz archive. */
export async function readNpzArray(archive: ZipArchive, name: string, options: NpyReadOptions = {}): Promise<NpyArray> {
  const entry = archive.entries.get(`${name}.npy`);
  const where = `${archive.file.path}[${name}]`;
  if (entry === undefined) throw new DataSourceError(archive.file.path, `has no array '${name}' (arrays: ${npzArrayNames(archive).join(', ') || 'none'})`);
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  if (entry.method === 'stored' && options.rows !== undefined) {
    // Stored entries are read in part: the header, then only the rows asked for.
    const start = await archive.read(entry, { maxBytes, prefix: Math.min(12, entry.size) });
    const header = parseNpyHeader(await archive.read(entry, { maxBytes, prefix: npyHeaderLength(start, where) }), where);
    checkNpyLength(header, entry.size, where);
    const bytes = bytesToRead(header, options, where);
    const data = await archive.read(entry, { maxBytes, prefix: header.dataOffset + bytes });
    return decodeNpyData(header, data.subarray(header.dataOffset), where, options.rows);
  }
  const bytes = await archive.read(entry, { maxBytes });
  const header = parseNpyHeader(bytes, where);
  checkNpyLength(header, bytes.length, where);
  return decodeNpyData(header, bytes.subarray(header.dataOffset), where, options.rows);
}

/** The array names of an .npz archive (its entries ending in .npy, without the extension). */
export function npzArrayNames(archive: ZipArchive): string[] {
  return [...archive.entries.keys()].filter((n) => n.endsWith('.npy')).map((n) => n.slice(0, -4));
}
