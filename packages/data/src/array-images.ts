import { resolveLabels, type ClassLabels } from './class-labels.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDataset, ImageDatasetDescription, ImageDatasetOptions } from './image-dataset.js';
import { ImageSetBuilder, checkFlatInputShape, targetShape } from './image-set-builder.js';
import { shapedValues, type ArrayInput } from './in-memory-array.js';
import { byteRange, checkPixelRange, unitRange, type PixelRange } from './pixel-range.js';

/** The output range and the stored values' range an options object asks for (bytes default to [0, 255]). */
export function pixelRanges(options: ImageDatasetOptions, storedAsBytes: boolean): { range: PixelRange; sourceRange: PixelRange } {
  const range = options.range === undefined ? unitRange : checkPixelRange(options.range, 'range');
  const sourceRange = options.sourceRange === undefined ? (storedAsBytes ? byteRange : range) : checkPixelRange(options.sourceRange, 'sourceRange');
  return { range, sourceRange };
}

/** How a stack of images is laid out in an array of rank 2 (flat vectors), 3 (gray) or 4 (NHWC or NCHW). */
interface ArrayLayout {
  count: number;
  height: number;
  width: number;
  channels: number;
  channelsFirst: boolean;
  note?: string;
}

function arrayLayout(shape: readonly number[], options: ImageDatasetOptions, source: string): ArrayLayout {
  const target = targetShape(options.inputShape);
  const [count = 0] = shape;
  if (shape.length === 2) {
    const values = shape[1]!;
    if (target !== undefined && target.height * target.width * target.channels === values) {
      return { count, ...target, channelsFirst: false, note: `rows of ${values} values read as ${target.height}×${target.width}×${target.channels} images` };
    }
    return { count, height: 1, width: values, channels: 1, channelsFirst: false, note: `flat vectors of ${values} values` };
  }
  if (shape.length === 3) return { count, height: shape[1]!, width: shape[2]!, channels: 1, channelsFirst: false };
  if (shape.length === 4) {
    const layout = options.layout ?? 'nhwc';
    if (layout !== 'nhwc' && layout !== 'nchw' && layout !== 'auto') throw new Error(`layout must be 'nhwc', 'nchw' or 'auto', got '${String(layout)}'`);
    const channelsFirst = layout === 'nchw' || (layout === 'auto' && ![1, 2, 3, 4].includes(shape[3]!) && [1, 3].includes(shape[1]!));
    const [, a, b, c] = shape as [number, number, number, number];
    const channels = channelsFirst ? a : c;
    if (![1, 2, 3, 4].includes(channels)) {
      throw new DataSourceError(source, `has shape [${shape.join(', ')}]: as ${channelsFirst ? 'NCHW' : 'NHWC'} that is ${channels} channels, not 1, 3 (or 2, 4 with alpha)${channelsFirst ? '' : "; pass layout 'nchw' for channels-first arrays"}`);
    }
    return channelsFirst
      ? { count, height: b, width: c, channels: a, channelsFirst, note: 'transposed from NCHW to NHWC' }
      : { count, height: a, width: b, channels: c, channelsFirst };
  }
  throw new DataSourceError(source, `has shape [${shape.join(', ')}]; images must be [n, d], [n, h, w] or [n, h, w, c]`);
}

export interface ArraySourceInfo {
  source: string;
  kind: string;
  dtype: string;
  /** Values are bytes in [0, 255] (uint8 data). */
  bytes: boolean;
  split?: 'train' | 'test' | undefined;
  notes?: string[];
}

/**
 * Turns an array of images (values in C order, shape [n, …], holding at least the first
 * `limit` images) and their labels into an `ImageDataset`.
 */
export function imageDatasetFromArray(
  array: { shape: readonly number[]; data: ArrayLike<number> },
  labels: ClassLabels & { from: string },
  info: ArraySourceInfo,
  options: ImageDatasetOptions,
): ImageDataset {
  const layout = arrayLayout(array.shape, options, info.source);
  const count = Math.min(layout.count, options.limit ?? Infinity);
  const { range, sourceRange } = pixelRanges(options, info.bytes);
  const builder = new ImageSetBuilder(info.source, count, { target: targetShape(options.inputShape), range, sourceRange });
  const { height, width, channels } = layout;
  const size = height * width * channels;
  const hwc = new Float64Array(layout.channelsFirst ? size : 0);
  for (let k = 0; k < count; k++) {
    let image: ArrayLike<number> = subarray(array.data, k * size, (k + 1) * size);
    if (layout.channelsFirst) {
      for (let ch = 0; ch < channels; ch++) for (let p = 0; p < height * width; p++) hwc[p * channels + ch] = image[ch * height * width + p]!;
      image = hwc;
    }
    builder.add(image, height, width, channels, `${info.source} image ${k}`);
  }
  const notes = [...(info.notes ?? []), ...(layout.note === undefined ? [] : [layout.note])];
  return finishImageDataset(builder, labels, { ...info, notes, count, limit: options.limit, inputShape: options.inputShape });
}

function subarray(data: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  return ArrayBuffer.isView(data) ? (data as Float64Array).subarray(start, end) : Array.prototype.slice.call(data, start, end);
}

/** Builds the `ImageSet` and its description from a filled builder and the labels. */
export function finishImageDataset(
  builder: ImageSetBuilder,
  labels: ClassLabels & { from: string },
  info: ArraySourceInfo & { count: number; limit?: number | undefined; inputShape?: readonly number[] | undefined; skipped?: ImageDatasetDescription['skipped'] },
): ImageDataset {
  const built = builder.finish();
  checkFlatInputShape(info.inputShape, built.shape, info.source);
  const { height, width, channels } = built.shape;
  const count = builder.count;
  const description: ImageDatasetDescription = {
    source: info.source,
    kind: info.kind,
    ...(info.split === undefined ? {} : { split: info.split }),
    count,
    shape: [height, width, channels],
    dtype: info.dtype,
    range: builder.settings.range,
    sourceRange: builder.settings.sourceRange,
    ...built.description,
    labels: { from: labels.from, numClasses: labels.numClasses, ...(labels.classNames === undefined ? {} : { classNames: labels.classNames }) },
    ...(info.skipped === undefined ? {} : { skipped: info.skipped }),
    ...(info.limit === undefined ? {} : { limit: info.limit }),
    notes: info.notes ?? [],
  };
  return {
    set: { images: built.images, labels: labels.labels.subarray(0, count), count, height, width, channels, numClasses: labels.numClasses },
    description,
  };
}

/** In-memory images and labels: `x` as nested arrays, a typed array with `shape`, or a flat array with `shape`. */
export interface ArraySource {
  x: ArrayInput;
  /** Required when `x` is flat. */
  shape?: readonly number[];
  labels: ArrayLike<number> | readonly string[];
}

/** An `ImageDataset` from arrays in memory (ragged nested arrays and count mismatches are clear errors). */
export function imageDatasetFromArrays(source: ArraySource, options: ImageDatasetOptions = {}): ImageDataset {
  checkLimit(options.limit);
  const x = shapedValues(source.x, source.shape, 'x');
  if (x.shape.length < 2) throw new DataSourceError('x', `has shape [${x.shape.join(', ')}]; images must be [n, d], [n, h, w] or [n, h, w, c]`);
  const count = x.shape[0]!;
  const labelValues = ArrayBuffer.isView(source.labels) || Array.isArray(source.labels) ? source.labels : undefined;
  if (labelValues === undefined) throw new DataSourceError('labels', 'must be an array of class indices or class names');
  const labels = resolveLabels(labelValues, {
    classNames: typeof options.classNames === 'string' ? undefined : options.classNames,
    numClasses: options.numClasses,
    expectedCount: count,
    keep: options.limit,
    source: 'labels',
    dataSource: 'x',
  });
  return imageDatasetFromArray(x, { ...labels, from: 'array' }, { source: '<memory>', kind: 'memory', dtype: x.data.constructor.name.replace('Array', '').toLowerCase(), bytes: x.bytes }, options);
}

export function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error(`limit must be a positive integer, got ${limit}`);
}
