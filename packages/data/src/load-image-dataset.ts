import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { checkLimit, imageDatasetFromArrays, type ArraySource } from './array-images.js';
import { cifarVariantOfFile, locateCifar, readCifar } from './cifar-source.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDataset, ImageDatasetOptions } from './image-dataset.js';
import { readImageFolder } from './image-folder.js';
import { readIdxImagesFile, readIdxSource } from './idx-source.js';
import { readClassNames, readLabelValues } from './label-files.js';
import { datasetNames, locateDataset, type DatasetName } from './locate-dataset.js';
import { readNpySource, readNpzSource } from './numpy-source.js';
import { withRegularFile } from './regular-file.js';

/** A path or dataset name, or arrays in memory (whose labels may also be a labels file). */
export type ImageSource = string | (Omit<ArraySource, 'labels'> & { labels: ArraySource['labels'] | string });

/** What a source string turned out to be, for the readers to recognise. */
export interface SourceProbe {
  readonly source: string;
  readonly type: 'file' | 'directory' | 'name';
  /** Lower-case extension of a file ('' otherwise). */
  readonly extension: string;
  /** First bytes of a file (up to 8), for formats recognised by their magic number. */
  readonly head: Uint8Array;
  readonly size: number;
}

/** One kind of image source: how to recognise it and how to read it. */
export interface ImageSourceReader {
  readonly kind: string;
  /** What it reads, for the error that lists every accepted source. */
  readonly accepts: string;
  recognizes(probe: SourceProbe): boolean;
  read(probe: SourceProbe, options: ImageDatasetOptions): Promise<ImageDataset>;
}

const readers: ImageSourceReader[] = [];

/** Adds a reader; sources are offered to readers in registration order. Registering a kind twice is an error. */
export function registerImageSourceReader(reader: ImageSourceReader): void {
  if (readers.some((r) => r.kind === reader.kind)) throw new Error(`an image source reader for '${reader.kind}' is already registered`);
  readers.push(reader);
}

export function imageSourceReaders(): readonly ImageSourceReader[] {
  return readers;
}

const idxMagic = (head: Uint8Array) => head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0x08 && (head[3] === 3 || head[3] === 4);
const hasIdxFiles = (dir: string) => {
  try {
    locateDataset('mnist', { dataDir: dir, env: {} });
    return true;
  } catch {
    return false;
  }
};

for (const name of datasetNames) {
  registerImageSourceReader({
    kind: name,
    accepts: `'${name}' (found as locateDataset finds it)`,
    recognizes: (p) => p.type === 'name' && p.source === name,
    read: (_, options) => readIdxSource(name, options, name as DatasetName),
  });
}
registerImageSourceReader({ kind: 'npy', accepts: 'a .npy file of images (with labels)', recognizes: (p) => p.type === 'file' && p.extension === '.npy', read: (p, o) => readNpySource(p.source, o) });
registerImageSourceReader({ kind: 'npz', accepts: 'a .npz file (np.savez / np.savez_compressed)', recognizes: (p) => p.type === 'file' && p.extension === '.npz', read: (p, o) => readNpzSource(p.source, o) });
registerImageSourceReader({
  kind: 'cifar',
  accepts: 'a CIFAR-10 / CIFAR-100 binary directory (cifar-10-batches-bin, cifar-100-binary) or one of its .bin files',
  recognizes: (p) => (p.type === 'directory' ? locateCifar(p.source) !== undefined : p.type === 'file' && p.extension === '.bin'),
  read: (p, o) => {
    if (p.type === 'directory') return readCifar(p.source, o);
    const variant = cifarVariantOfFile(p.source, p.size);
    if (variant === undefined) throw new DataSourceError(p.source, `is ${p.size} bytes, a whole number of neither CIFAR-10 (3073-byte) nor CIFAR-100 (3074-byte) records`);
    return readCifar(p.source, o, { variant });
  },
});
registerImageSourceReader({ kind: 'idx', accepts: 'a directory of the four IDX files (MNIST layout, gray or colour)', recognizes: (p) => p.type === 'directory' && hasIdxFiles(p.source), read: (p, o) => readIdxSource(p.source, o) });
registerImageSourceReader({ kind: 'idx-file', accepts: 'an IDX images file (with labels)', recognizes: (p) => p.type === 'file' && idxMagic(p.head), read: (p, o) => readIdxImagesFile(p.source, o) });
registerImageSourceReader({ kind: 'image-folder', accepts: 'a folder of class sub-folders of .png / .jpg images', recognizes: (p) => p.type === 'directory', read: (p, o) => readImageFolder(p.source, o) });

/**
 * Loads labeled images from anything LiftGuard reads: 'mnist', 'fashion-mnist', a folder of
 * class folders (PNG/JPEG), a .npy or .npz file, a CIFAR-10/100 binary directory or file, an
 * IDX directory or file, or arrays in memory. Images come out as float32 NHWC in `range`
 * ([0, 1] by default), resized and centre-cropped to `inputShape` when given; the description
 * says what was read and what was done to it.
 */
export async function loadImageDataset(source: ImageSource, options: ImageDatasetOptions = {}): Promise<ImageDataset> {
  checkLimit(options.limit);
  if (options.split !== undefined && options.split !== 'train' && options.split !== 'test') throw new Error(`split must be 'train' or 'test', got '${String(options.split)}'`);
  if (typeof source !== 'string') {
    const labels = typeof source.labels === 'string' ? (await readLabelValues(source.labels)).values : source.labels;
    return imageDatasetFromArrays({ ...source, labels }, { ...options, ...classNamesOption(await readClassNames(options.classNames)) });
  }
  const probe = await probeSource(source);
  const reader = readers.find((r) => r.recognizes(probe));
  if (reader === undefined) {
    throw new DataSourceError(source, `is not a data source LiftGuard reads. It reads: ${readers.map((r) => r.accepts).join('; ')}`);
  }
  return reader.read(probe, options);
}

function classNamesOption(names: readonly string[] | undefined): { classNames?: readonly string[] } {
  return names === undefined ? {} : { classNames: names };
}

async function probeSource(source: string): Promise<SourceProbe> {
  const info = await stat(source).catch(() => undefined);
  if (info === undefined) {
    if ((datasetNames as readonly string[]).includes(source)) return { source, type: 'name', extension: '', head: new Uint8Array(0), size: 0 };
    throw new DataSourceError(source, `does not exist (and is not a dataset name: ${datasetNames.join(', ')})`);
  }
  const path = source;
  if (info.isDirectory()) return { source: path, type: 'directory', extension: '', head: new Uint8Array(0), size: 0 };
  const head = await withRegularFile(path, (file) => file.read(0, Math.min(8, file.size)));
  return { source: path, type: 'file', extension: extname(path).toLowerCase(), head, size: info.size };
}
