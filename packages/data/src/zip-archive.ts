import { inflateRawSync } from 'node:zlib';
import { DataSourceError } from './data-source-error.js';
import type { RegularFile } from './regular-file.js';

/**
 * A read-only view of a zip archive (what numpy's savez writes): the central directory is
 * parsed, then single entries are read on demand. Only stored and deflated entries exist in
 * .npz files; inflation is capped at the entry's declared size, so a zip bomb stops early.
 */
export interface ZipEntry {
  readonly name: string;
  readonly method: 'stored' | 'deflate';
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  readonly localHeaderOffset: number;
}

const eocdSignature = 0x06054b50;
const zip64LocatorSignature = 0x07064b50;
const zip64EocdSignature = 0x06064b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;

export class ZipArchive {
  private constructor(
    readonly file: RegularFile,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static async open(file: RegularFile): Promise<ZipArchive> {
    const bad = (problem: string) => new DataSourceError(file.path, problem);
    const tailBytes = Math.min(file.size, 22 + 0xffff);
    if (tailBytes < 22) throw bad(`is ${file.size} bytes, too short for a zip archive (truncated or not a .npz)`);
    const tail = await file.read(file.size - tailBytes, tailBytes);
    const view = new DataView(tail.buffer);
    let at = -1;
    for (let i = tailBytes - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === eocdSignature) {
        at = i;
        break;
      }
    }
    if (at < 0) throw bad('is not a zip archive (no end-of-central-directory record: truncated, or not a .npz)');
    let count = view.getUint16(at + 10, true);
    let directorySize = view.getUint32(at + 12, true);
    let directoryOffset = view.getUint32(at + 16, true);
    if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      // ZIP64: the real numbers are in the zip64 end record, which a locator just before points to.
      if (at < 20 || view.getUint32(at - 20, true) !== zip64LocatorSignature) throw bad('has a ZIP64 end record that cannot be found (corrupt archive)');
      const recordOffset = safe(view.getBigUint64(at - 12, true), file.path);
      const record = new DataView((await file.read(recordOffset, 56)).buffer);
      if (record.getUint32(0, true) !== zip64EocdSignature) throw bad('has a corrupt ZIP64 end record');
      count = safe(record.getBigUint64(32, true), file.path);
      directorySize = safe(record.getBigUint64(40, true), file.path);
      directoryOffset = safe(record.getBigUint64(48, true), file.path);
    }
    if (directoryOffset + directorySize > file.size) throw bad(`is truncated: its central directory should end at byte ${directoryOffset + directorySize}, the file has ${file.size}`);
    const directory = await file.read(directoryOffset, directorySize);
    const dir = new DataView(directory.buffer);
    const entries = new Map<string, ZipEntry>();
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (p + 46 > directory.length || dir.getUint32(p, true) !== centralSignature) throw bad(`has a corrupt central directory (entry ${k} of ${count})`);
      const flags = dir.getUint16(p + 8, true);
      const methodCode = dir.getUint16(p + 10, true);
      const nameLength = dir.getUint16(p + 28, true);
      const extraLength = dir.getUint16(p + 30, true);
      const commentLength = dir.getUint16(p + 32, true);
      const name = new TextDecoder().decode(directory.subarray(p + 46, p + 46 + nameLength));
      let compressedSize = dir.getUint32(p + 20, true);
      let size = dir.getUint32(p + 24, true);
      let localHeaderOffset = dir.getUint32(p + 42, true);
      // ZIP64 extra field: 64-bit values for exactly those fields that hold 0xffffffff.
      for (let e = p + 46 + nameLength; e + 4 <= p + 46 + nameLength + extraLength; ) {
        const id = dir.getUint16(e, true);
        const length = dir.getUint16(e + 2, true);
        if (id === 0x0001) {
          let f = e + 4;
          const next = () => {
            if (f + 8 > e + 4 + length) throw bad(`entry '${name}' has a short ZIP64 extra field`);
            const v = safe(dir.getBigUint64(f, true), file.path);
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
        }
        e += 4 + length;
      }
      if (flags & 1) throw bad(`entry '${name}' is encrypted`);
      if (methodCode !== 0 && methodCode !== 8) throw bad(`entry '${name}' uses compression method ${methodCode}; only stored (0) and deflate (8) are read`);
      const method = methodCode === 0 ? 'stored' : 'deflate';
      if (method === 'stored' && compressedSize !== size) throw bad(`stored entry '${name}' declares ${size} bytes but occupies ${compressedSize} (corrupt archive)`);
      entries.set(name, { name, method, compressedSize, size, crc32: dir.getUint32(p + 16, true), localHeaderOffset });
      p += 46 + nameLength + extraLength + commentLength;
    }
    return new ZipArchive(file, entries);
  }

  /** Where the entry's data starts in the file (after its local header). */
  async dataOffset(entry: ZipEntry): Promise<number> {
    const local = new DataView((await this.file.read(entry.localHeaderOffset, 30)).buffer);
    if (local.getUint32(0, true) !== localSignature) throw new DataSourceError(this.file.path, `entry '${entry.name}' has a corrupt local header`);
    const start = entry.localHeaderOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (start + entry.compressedSize > this.file.size) {
      throw new DataSourceError(this.file.path, `is truncated: entry '${entry.name}' should end at byte ${start + entry.compressedSize}, the file has ${this.file.size}`);
    }
    return start;
  }

  /**
   * An entry's bytes. A stored entry can be read in part (`prefix` bytes); a deflated one is
   * inflated whole, refused when it declares more than `maxBytes` and stopped when it inflates
   * past what it declared. The CRC-32 is checked whenever the whole entry is read.
   */
  async read(entry: ZipEntry, { maxBytes, prefix }: { maxBytes: number; prefix?: number }): Promise<Uint8Array> {
    const where = `${this.file.path}: entry '${entry.name}'`;
    if (entry.size > maxBytes && (entry.method === 'deflate' || (prefix ?? entry.size) > maxBytes)) {
      throw new DataSourceError(this.file.path, `entry '${entry.name}' declares ${entry.size} bytes uncompressed, more than the ${maxBytes}-byte limit (option maxBytes); refused before decompressing`);
    }
    const start = await this.dataOffset(entry);
    if (entry.method === 'stored') {
      const length = Math.min(prefix ?? entry.size, entry.size);
      const bytes = await this.file.read(start, length);
      if (length === entry.size) checkCrc(bytes, entry, where);
      return bytes;
    }
    const compressed = await this.file.read(start, entry.compressedSize);
    let bytes: Uint8Array;
    try {
      bytes = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
        throw new DataSourceError(this.file.path, `entry '${entry.name}' inflates past its declared ${entry.size} bytes: refused as a possible zip bomb or a corrupt entry (decompression stopped there)`);
      }
      throw new DataSourceError(this.file.path, `entry '${entry.name}' is not valid deflate data (truncated or corrupt): ${e.message}`);
    }
    if (bytes.length !== entry.size) throw new DataSourceError(this.file.path, `entry '${entry.name}' inflates to ${bytes.length} bytes, not the ${entry.size} it declares (corrupt archive)`);
    checkCrc(bytes, entry, where);
    return bytes;
  }
}

function safe(value: bigint, path: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new DataSourceError(path, `holds a ZIP64 size or offset too large to read (${value})`);
  return n;
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (the zip polynomial). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkCrc(bytes: Uint8Array, entry: ZipEntry, where: string): void {
  if (crc32(bytes) !== entry.crc32) throw new DataSourceError(where, 'fails its CRC-32 check (corrupt archive)');
}
