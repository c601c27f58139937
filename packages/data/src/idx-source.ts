import { imageDatasetFromArray } from './array-images.js';
import { resolveLabels } from './class-labels.js';
import { DataSourceError } from './data-source-error.js';
import { IdxFormatError, readIdxFile, type IdxArray } from './idx.js';
import type { ImageDataset, ImageDatasetOptions } from './image-dataset.js';
import { readClassNames, readLabelValues } from './label-files.js';
import { locateDataset, type DatasetName } from './locate-dataset.js';

/** MNIST, Fashion-MNIST (by name, found as `locateDataset` finds them) or a directory of the four IDX files; gray or colour. */
export async function readIdxSource(source: string, options: ImageDatasetOptions, dataset?: DatasetName): Promise<ImageDataset> {
  const files = dataset === undefined ? locateDataset('mnist', { dataDir: source }) : locateDataset(dataset);
  const split = options.split ?? 'test';
  const imagesFile = split === 'train' ? files.trainImages : files.testImages;
  const labelsFile = split === 'train' ? files.trainLabels : files.testLabels;
  const [images, labels] = await Promise.all([readIdxFile(imagesFile), readIdxFile(labelsFile)]);
  if (labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new IdxFormatError(labelsFile, `is not a label file: expected 1-D uint8, got ${labels.dims.length}-D ${labels.type}`);
  }
  const label = options.labels === undefined ? { values: labels.data, from: labelsFile } : await readLabelValues(options.labels);
  const kind = dataset ?? 'idx';
  return idxDataset(images, imagesFile, label, { ...options, split }, kind, options.numClasses ?? (dataset === undefined ? undefined : 10));
}

/** One IDX images file ([n, h, w] or [n, h, w, c] uint8) with labels from the `labels` option. */
export async function readIdxImagesFile(path: string, options: ImageDatasetOptions): Promise<ImageDataset> {
  if (options.labels === undefined) throw new DataSourceError(path, 'an IDX images file holds no labels: pass labels, or name the directory holding the four IDX files');
  return idxDataset(await readIdxFile(path), path, await readLabelValues(options.labels), options, 'idx', options.numClasses);
}

async function idxDataset(
  images: IdxArray,
  imagesFile: string,
  labels: Awaited<ReturnType<typeof readLabelValues>>,
  options: ImageDatasetOptions,
  kind: string,
  numClasses: number | undefined,
): Promise<ImageDataset> {
  if (images.type !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new IdxFormatError(imagesFile, `is not an image file: expected 3-D uint8, got ${images.dims.length}-D ${images.type} (colour images: 4-D uint8)`);
  }
  const resolved = resolveLabels(labels.values, {
    classNames: await readClassNames(options.classNames),
    numClasses,
    expectedCount: images.dims[0]!,
    keep: options.limit,
    source: labels.from,
    dataSource: imagesFile,
  });
  return imageDatasetFromArray(
    { shape: images.dims, data: images.data },
    { ...resolved, from: labels.from },
    { source: kind === 'idx' ? imagesFile : kind, kind, dtype: 'uint8', bytes: true, split: options.split, notes: kind === 'idx' ? [] : [`files: ${imagesFile}`] },
    { ...options, layout: 'nhwc' },
  );
}
