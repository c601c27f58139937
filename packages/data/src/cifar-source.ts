import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { finishImageDataset, pixelRanges } from './array-images.js';
import { cifarClassCount, cifarRecordBytes, cifarSide, parseCifarRecords, type CifarVariant } from './cifar.js';
import { parseLabelLines } from './class-labels.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDataset, ImageDatasetOptions } from './image-dataset.js';
import { ImageSetBuilder, targetShape } from './image-set-builder.js';
import { readRegularFile, withRegularFile } from './regular-file.js';

/** The files of the CIFAR binary versions ("CIFAR-10 binary version (suitable for C programs)"), per split. */
const cifarFiles: Record<CifarVariant, { train: string[]; test: string[]; folder: string; names: Record<'fine' | 'coarse', string> }> = {
  'cifar-10': {
    train: [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`),
    test: ['test_batch.bin'],
    folder: 'cifar-10-batches-bin',
    names: { fine: 'batches.meta.txt', coarse: 'batches.meta.txt' },
  },
  'cifar-100': { train: ['train.bin'], test: ['test.bin'], folder: 'cifar-100-binary', names: { fine: 'fine_label_names.txt', coarse: 'coarse_label_names.txt' } },
};

/** Where a directory holds CIFAR binary files: itself or the archive's folder inside it. */
export function locateCifar(dir: string): { variant: CifarVariant; dir: string } | undefined {
  for (const variant of ['cifar-10', 'cifar-100'] as const) {
    const files = cifarFiles[variant];
    for (const candidate of [dir, join(dir, files.folder)]) {
      if ([...files.train, ...files.test].some((f) => existsSync(join(candidate, f)))) return { variant, dir: candidate };
    }
  }
  return undefined;
}

/** The variant a single .bin file is: by its name, else by which record size divides its length. */
export function cifarVariantOfFile(path: string, size: number): CifarVariant | undefined {
  const name = basename(path);
  if (/^(data_batch_\d+|test_batch)\.bin$/.test(name)) return 'cifar-10';
  if (/^(train|test)\.bin$/.test(name)) return 'cifar-100';
  if (size > 0 && size % cifarRecordBytes('cifar-10') === 0) return 'cifar-10';
  if (size > 0 && size % cifarRecordBytes('cifar-100') === 0) return 'cifar-100';
  return undefined;
}

/** Reads CIFAR records from a directory (the split's files, in order) or one .bin file, only as many as `limit` needs. */
export async function readCifar(source: string, options: ImageDatasetOptions, single?: { variant: CifarVariant }): Promise<ImageDataset> {
  const located = single === undefined ? locateCifar(source) : { variant: single.variant, dir: undefined };
  if (located === undefined) throw new DataSourceError(source, 'holds no CIFAR binary files (data_batch_1.bin … test_batch.bin, or train.bin / test.bin)');
  const { variant } = located;
  if (options.labels !== undefined) throw new DataSourceError(source, `${variant} records carry their labels: leave the labels option out`);
  const labelKind = options.cifarLabels ?? 'fine';
  const split = options.split ?? 'test';
  let paths = [source];
  if (located.dir !== undefined) {
    paths = cifarFiles[variant][split].map((f) => join(located.dir, f));
    const missing = paths.filter((p) => !existsSync(p));
    if (missing.length > 0) throw new DataSourceError(located.dir, `is missing ${variant} ${split} files: ${missing.map((p) => basename(p)).join(', ')}`);
  }
  const recordBytes = cifarRecordBytes(variant);
  const sizes: number[] = [];
  for (const path of paths) {
    sizes.push(
      await withRegularFile(path, async (file) => {
        if (file.size % recordBytes !== 0 || file.size === 0) {
          throw new DataSourceError(path, `is ${file.size} bytes, not a whole number of ${recordBytes}-byte ${variant} records (truncated, or not ${variant})`);
        }
        return file.size / recordBytes;
      }),
    );
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  const count = Math.min(total, options.limit ?? total);
  const { range, sourceRange } = pixelRanges(options, true);
  const builder = new ImageSetBuilder(source, count, { target: targetShape(options.inputShape), range, sourceRange });
  const labels = new Int32Array(count);
  let done = 0;
  for (const [k, path] of paths.entries()) {
    if (done === count) break;
    const take = Math.min(sizes[k]!, count - done);
    const bytes = await withRegularFile(path, (file) => file.read(0, take * recordBytes));
    const records = parseCifarRecords(bytes, variant, path, labelKind);
    for (let i = 0; i < take; i++) {
      const size = cifarSide * cifarSide * 3;
      builder.add(records.pixels.subarray(i * size, (i + 1) * size), cifarSide, cifarSide, 3, `${path} record ${i}`);
      labels[done + i] = records.labels[i]!;
    }
    done += take;
  }
  const classNames = await cifarClassNames(located.dir, variant, labelKind);
  const numClasses = cifarClassCount(variant, labelKind);
  if (options.numClasses !== undefined && options.numClasses !== numClasses) throw new DataSourceError(source, `numClasses is ${options.numClasses} but ${variant} ${labelKind === 'coarse' ? 'coarse ' : ''}labels have ${numClasses} classes`);
  return finishImageDataset(
    builder,
    { labels, numClasses, ...(classNames?.length === numClasses ? { classNames } : {}), from: `${variant} records${variant === 'cifar-100' ? ` (${labelKind} labels)` : ''}` },
    { source, kind: variant, dtype: 'uint8', bytes: true, split: located.dir === undefined ? undefined : split, count, limit: options.limit, inputShape: options.inputShape, notes: [] },
  );
}

async function cifarClassNames(dir: string | undefined, variant: CifarVariant, labelKind: 'fine' | 'coarse'): Promise<string[] | undefined> {
  if (dir === undefined) return undefined;
  const path = join(dir, cifarFiles[variant].names[labelKind]);
  if (!existsSync(path)) return undefined;
  const names = parseLabelLines(new TextDecoder().decode(await readRegularFile(path, 2 ** 20)));
  return names.map(String);
}
