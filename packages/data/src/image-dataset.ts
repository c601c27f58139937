import type { ImageSet } from './image-set.js';
import { formatPixelRange, type PixelRange } from './pixel-range.js';

/** Options shared by every image source (`loadImageDataset`, `imageDatasetFromArrays`). */
export interface ImageDatasetOptions {
  /**
   * The model's input. [height, width, channels]: images are resized (bilinear, covering the
   * target) and centre-cropped to it, and gray ↔ RGB converted; any other shape (e.g. [784])
   * only has to hold as many values as one image.
   */
  inputShape?: readonly number[];
  /** The range pixels are given in (default [0, 1]). */
  range?: PixelRange;
  /** The range the stored values are in: default [0, 255] for 8-bit data, else `range`. Values outside it are an error. */
  sourceRange?: PixelRange;
  /** Per-image labels where the data carries none: a file (.npy, .txt one per line, .json array; Node only) or an array of ints or class names. */
  labels?: string | ArrayLike<number> | readonly string[];
  /** Class names in class-index order (an array, or a .txt / .json file in Node): orders a folder's classes, or maps named labels. */
  classNames?: string | readonly string[];
  /** Number of classes (default: the class names' count, the dataset's own, or the largest label + 1). */
  numClasses?: number;
  /** Read only the first `limit` images (as little of the file as the format allows). */
  limit?: number;
  /** Which part of a dataset published as train and test (MNIST, IDX and CIFAR directories, .npz with x_train / x_test): default 'test'. */
  split?: 'train' | 'test';
  /** Axis order of 4-D arrays: 'nhwc' (default), 'nchw', or 'auto' (NCHW when the second axis is 1 or 3 and the last is not). */
  layout?: 'nhwc' | 'nchw' | 'auto';
  /** Names of the arrays in a .npz file (default: x | images | x_<split>, and y | labels | y_<split>). */
  arrays?: { x?: string; labels?: string };
  /** CIFAR-100 labels: the 100 fine classes (default) or the 20 coarse superclasses. */
  cifarLabels?: 'fine' | 'coarse';
  /** Largest decoded or decompressed size accepted, in bytes (default 2 GiB): larger promises are refused before reading. */
  maxBytes?: number;
}

/** What a loaded dataset is and what was done to it, for reports. */
export interface ImageDatasetDescription {
  /** The path, dataset name or '<memory>'. */
  source: string;
  kind: string;
  split?: 'train' | 'test';
  count: number;
  /** [height, width, channels] of every image. */
  shape: [number, number, number];
  /** Element type of the stored values. */
  dtype: string;
  range: PixelRange;
  sourceRange: PixelRange;
  /** Smallest and largest stored value seen. */
  observedRange: [number, number];
  /** Set when images were resized and centre-cropped. */
  resize?: { method: string; images: number; from: string[]; to: [number, number] };
  /** Set when the channel count changed. */
  channels?: { from: number[]; to: number; conversion: string[] };
  labels: { from: string; numClasses: number; classNames?: string[] };
  /** Files that were not images and were skipped (image folders). */
  skipped?: { count: number; examples: string[] };
  limit?: number;
  notes: string[];
}

/** A labeled image set and its description. */
export interface ImageDataset {
  readonly set: ImageSet;
  readonly description: ImageDatasetDescription;
}

/** One line for a log or a report, e.g. "cats-dogs (image-folder): 200 images 224×224×3 in [0, 1], resized 200 (…)". */
export function describeImageDataset(d: ImageDatasetDescription): string {
  const parts = [
    `${d.source} (${d.kind}${d.split === undefined ? '' : `, ${d.split}`}): ${d.count} images ${d.shape.join('×')} in ${formatPixelRange(d.range)}`,
    `stored ${d.dtype} in ${formatPixelRange(d.sourceRange)}`,
    `${d.labels.numClasses} classes from ${d.labels.from}`,
  ];
  if (d.resize !== undefined) parts.push(`${d.resize.images} resized from ${d.resize.from.join(', ')} (${d.resize.method})`);
  if (d.channels !== undefined) parts.push(`channels ${d.channels.from.join('/')} → ${d.channels.to} (${d.channels.conversion.join('; ')})`);
  if (d.skipped !== undefined && d.skipped.count > 0) parts.push(`${d.skipped.count} non-image files skipped`);
  if (d.limit !== undefined) parts.push(`first ${d.limit} only`);
  return [...parts, ...d.notes].join('; ');
}
