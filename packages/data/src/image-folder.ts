import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { finishImageDataset, pixelRanges } from './array-images.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDataset, ImageDatasetOptions } from './image-dataset.js';
import { decodeImage, imageHeader, type ImageHeader } from './image-decode.js';
import { ImageSetBuilder, targetShape } from './image-set-builder.js';
import { readClassNames } from './label-files.js';
import { defaultMaxBytes, withRegularFile } from './regular-file.js';

/** File extensions read as images; every other file in a class folder is skipped and counted. */
export const imageExtensions = ['.png', '.jpg', '.jpeg'];

/** Largest image accepted, in pixels (refused from its header, before decoding). */
export const defaultMaxPixels = 64 * 2 ** 20;

interface ImageFile {
  path: string;
  /** Relative to the root, for messages. */
  name: string;
  label: number;
}

/**
 * A folder with one sub-folder per class (ImageFolder layout). Classes are the sub-folder
 * names sorted, or the order of `classNames`. Images are visited class by class in turn
 * (the first image of every class, then the second, …), so that `limit` samples every class.
 */
export async function readImageFolder(root: string, options: ImageDatasetOptions): Promise<ImageDataset> {
  if (options.labels !== undefined) throw new DataSourceError(root, "an image folder's labels are its class folders: leave labels out (classNames orders the classes)");
  const skipped: string[] = [];
  const top = await listDirectory(root);
  const folders: string[] = [];
  for (const entry of top) {
    if (entry.name.startsWith('.')) skipped.push(entry.name);
    else if (await isDirectory(join(root, entry.name), entry)) folders.push(entry.name);
    else skipped.push(entry.name);
  }
  if (folders.length === 0) throw new DataSourceError(root, 'has no class sub-folders: an image folder holds one sub-folder of images per class');
  const given = await readClassNames(options.classNames);
  const classNames = given === undefined ? [...folders].sort() : [...given];
  if (options.numClasses !== undefined && options.numClasses !== classNames.length) {
    throw new DataSourceError(root, `numClasses is ${options.numClasses} but there are ${classNames.length} classes (${classNames.slice(0, 5).join(', ')}${classNames.length > 5 ? ', …' : ''})`);
  }
  const unknown = folders.filter((f) => !classNames.includes(f));
  if (unknown.length > 0) throw new DataSourceError(root, `has class folders not in classNames: ${unknown.slice(0, 5).join(', ')}`);
  const perClass: ImageFile[][] = [];
  for (const [label, className] of classNames.entries()) {
    const files: ImageFile[] = [];
    if (folders.includes(className)) {
      for (const entry of await listDirectory(join(root, className))) {
        const path = join(root, className, entry.name);
        const name = `${className}/${entry.name}`;
        const kind = await entryKind(path, entry);
        if (kind === 'file' && imageExtensions.includes(extname(entry.name).toLowerCase()) && !entry.name.startsWith('.')) files.push({ path, name, label });
        else if (kind === 'file' || kind === 'directory') skipped.push(name);
        else throw new DataSourceError(path, `is ${kind}, not a regular file: only regular files are read`);
      }
    }
    perClass.push(files);
  }
  const ordered = interleave(perClass);
  if (ordered.length === 0) throw new DataSourceError(root, `holds no .png or .jpg images in its ${folders.length} class folders`);
  const selected = ordered.slice(0, options.limit ?? ordered.length);
  const maxBytes = options.maxBytes ?? defaultMaxBytes;
  const maxPixels = Math.min(defaultMaxPixels, Math.floor(maxBytes / 4));

  // First the headers: channels and sizes are known (and checked) before anything is decoded.
  const headers: ImageHeader[] = [];
  for (const file of selected) headers.push(await readImageHeader(file.path, maxBytes));
  const target = targetShape(options.inputShape);
  const channels = target?.channels ?? (headers.every((h) => h.channels === 1) ? 1 : 3);
  const { range, sourceRange } = pixelRanges(options, true);
  const builder = new ImageSetBuilder(root, selected.length, { target, channels, range, sourceRange });
  let droppedAlpha = 0;
  for (const file of selected) {
    const bytes = await withRegularFile(file.path, (f) => f.read(0, f.size));
    const image = decodeImage(bytes, file.path, maxPixels);
    if (image.droppedAlpha) droppedAlpha++;
    builder.add(image.pixels, image.height, image.width, image.channels, file.path);
  }
  const labels = Int32Array.from(selected, (f) => f.label);
  const notes = [
    'images visited class by class in turn (first of each class, then second, …)',
    ...(droppedAlpha > 0 ? [`alpha channel dropped from ${droppedAlpha} images (not composited)`] : []),
  ];
  return finishImageDataset(
    builder,
    { labels, numClasses: classNames.length, classNames, from: given === undefined ? 'folder names' : `folders ordered by ${typeof options.classNames === 'string' ? options.classNames : 'classNames'}` },
    {
      source: root,
      kind: 'image-folder',
      dtype: 'uint8',
      bytes: true,
      notes,
      count: selected.length,
      limit: options.limit,
      inputShape: options.inputShape,
      skipped: { count: skipped.length, examples: skipped.slice(0, 5) },
    },
  );
}

function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const list of lists) if (i < list.length) out.push(list[i]!);
  return out;
}

async function readImageHeader(path: string, maxBytes: number): Promise<ImageHeader> {
  return withRegularFile(path, async (file) => {
    if (file.size > maxBytes) throw new DataSourceError(path, `is ${file.size} bytes, more than the ${maxBytes}-byte limit (option maxBytes)`);
    // Headers sit in the first bytes; a JPEG with large metadata segments may need the whole file.
    const first = await file.read(0, Math.min(file.size, 65536));
    const header = imageHeader(first, path) ?? (file.size > first.length ? imageHeader(await file.read(0, file.size), path) : undefined);
    if (header === undefined) throw new DataSourceError(path, 'is truncated before its image header');
    return header;
  });
}

async function listDirectory(dir: string): Promise<Dirent[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  // Code-unit order, as Python's sorted() and torchvision's ImageFolder use.
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function isDirectory(path: string, entry: Dirent): Promise<boolean> {
  return (await entryKind(path, entry)) === 'directory';
}

/** 'file', 'directory', or what else the entry is (symlinks followed). */
async function entryKind(path: string, entry: Dirent): Promise<string> {
  const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
  if (info === undefined) return 'a broken symbolic link';
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return info.isSocket() ? 'a socket' : 'not a regular file';
}
