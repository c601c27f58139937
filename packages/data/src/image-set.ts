import { IdxFormatError, readIdxFile, type IdxArray, type RowRange } from './idx.js';
import { locateDataset, type DatasetFiles, type DatasetName, type LocateOptions } from './locate-dataset.js';

/** Labeled images: pixels as float32 (NHWC: row-major, channels last, one image after another), labels as ints. */
export interface ImageSet {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** 1 (gray, the default when absent) or 3 (RGB). */
  readonly channels?: number;
  readonly numClasses: number;
}

/** Values per image: height × width × channels. */
export function valuesPerImage(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * (set.channels ?? 1);
}

/** The training and test sets of a dataset, as published. */
export interface Dataset {
  readonly name: DatasetName;
  readonly files: DatasetFiles;
  readonly train: ImageSet;
  readonly test: ImageSet;
}

export interface LoadOptions extends LocateOptions {
  /** Number of classes labels must lie in (default 10). */
  numClasses?: number;
}

/** Locates and reads a dataset (`locateDataset` explains where it looks). */
export async function loadDataset(name: DatasetName, options: LoadOptions = {}): Promise<Dataset> {
  const files = locateDataset(name, options);
  const numClasses = options.numClasses ?? 10;
  const [train, test] = await Promise.all([
    loadImageSet(files.trainImages, files.trainLabels, numClasses),
    loadImageSet(files.testImages, files.testLabels, numClasses),
  ]);
  return { name, files, train, test };
}

/**
 * Reads an images file and a labels file (IDX, raw or .gz) and checks that they belong together.
 * With `rows`, only those images are read and converted (the set holds them one after another).
 */
export async function loadImageSet(imagesFile: string, labelsFile: string, numClasses = 10, rows?: readonly RowRange[]): Promise<ImageSet> {
  const options = rows === undefined ? {} : { rows };
  const [images, labels] = await Promise.all([readIdxFile(imagesFile, options), readIdxFile(labelsFile, options)]);
  return imageSetFromIdx(images, labels, { imagesFile, labelsFile, numClasses });
}

/** Builds an `ImageSet` from decoded IDX arrays (images [n, h, w] or colour [n, h, w, c] uint8, labels [n] uint8). */
export function imageSetFromIdx(
  images: IdxArray,
  labels: IdxArray,
  { imagesFile = '<images>', labelsFile = '<labels>', numClasses = 10 } = {},
): ImageSet {
  if (images.type !== 'uint8' || (images.dims.length !== 3 && images.dims.length !== 4)) {
    throw new IdxFormatError(imagesFile, `is not an image file: expected 3-D uint8, got ${images.dims.length}-D ${images.type} (colour images: 4-D uint8)`);
  }
  const channels = images.dims[3] ?? 1;
  if (channels !== 1 && channels !== 3) throw new IdxFormatError(imagesFile, `has ${channels} channels per pixel; images have 1 (gray) or 3 (RGB)`);
  if (labels.type !== 'uint8' || labels.dims.length !== 1) {
    throw new IdxFormatError(labelsFile, `is not a label file: expected 1-D uint8, got ${labels.dims.length}-D ${labels.type}`);
  }
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(labelsFile, `has ${labels.dims[0]} labels but ${imagesFile} has ${count} images`);
  }
  const labelValues = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = labels.data[i]!;
    if (y >= numClasses) throw new IdxFormatError(labelsFile, `label ${y} at index ${i} is not a class in 0..${numClasses - 1}`);
    labelValues[i] = y;
  }
  const pixels = new Float32Array(images.data.length);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i]! / 255;
  return { images: pixels, labels: labelValues, count, height, width, ...(images.dims.length === 4 ? { channels } : {}), numClasses };
}

/** Images `start` (inclusive) to `end` (exclusive), sharing memory with `set`. */
export function sliceImageSet(set: ImageSet, start: number, end: number): ImageSet {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > set.count || start > end) {
    throw new Error(`cannot slice images [${start}, ${end}) from a set of ${set.count}`);
  }
  const pixelsPerImage = valuesPerImage(set);
  return {
    images: set.images.subarray(start * pixelsPerImage, end * pixelsPerImage),
    labels: set.labels.subarray(start, end),
    count: end - start,
    height: set.height,
    width: set.width,
    ...(set.channels === undefined ? {} : { channels: set.channels }),
    numClasses: set.numClasses,
  };
}
