import { channelConversion, convertChannels } from './channel-conversion.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDatasetDescription } from './image-dataset.js';
import { resizeAndCrop } from './image-resize.js';
import { checkValuesInRange, formatPixelRange, type PixelRange } from './pixel-range.js';

/** The size every image of a set ends up with. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export interface BuilderSettings {
  /** Fixed target: images are converted, resized and cropped to it. Without it, every image must have the first one's shape. */
  target?: ImageShape | undefined;
  /** Without a target: the channel count images are converted to (default: the first image's, alpha dropped). */
  channels?: number | undefined;
  range: PixelRange;
  sourceRange: PixelRange;
}

export const resizeMethod = 'bilinear (antialiased when shrinking) to cover, then centre crop';

/**
 * Collects images one at a time into one float32 NHWC array: checks each image's values lie in
 * the source range, maps them to the output range, converts channels and resizes to the target,
 * and remembers what it did so that the dataset's description can say so.
 */
export class ImageSetBuilder {
  private pixels: Float32Array | undefined;
  private shape: ImageShape | undefined;
  private min = Infinity;
  private max = -Infinity;
  private readonly resizedFrom = new Map<string, number>();
  private readonly channelsFrom = new Set<number>();
  private readonly conversions = new Set<string>();
  count = 0;

  constructor(
    readonly source: string,
    readonly capacity: number,
    readonly settings: BuilderSettings,
  ) {
    this.shape = settings.target;
  }

  /** Adds one HWC image (`values` in the source range); `name` identifies it in errors. */
  add(values: ArrayLike<number>, height: number, width: number, channels: number, name: string): void {
    if (this.count >= this.capacity) throw new Error(`ImageSetBuilder: more than the ${this.capacity} images announced`);
    if (values.length !== height * width * channels) throw new Error(`ImageSetBuilder: ${name} has ${values.length} values, not ${height}×${width}×${channels}`);
    if (this.shape === undefined) this.shape = { height, width, channels: this.settings.channels ?? (channels === 2 ? 1 : channels === 4 ? 3 : channels) };
    const target = this.shape;
    if (this.settings.target === undefined && (height !== target.height || width !== target.width)) {
      throw new DataSourceError(name, `is ${height}×${width} but earlier images are ${target.height}×${target.width}; pass inputShape to resize every image to one size`);
    }
    const size = target.height * target.width * target.channels;
    this.pixels ??= new Float32Array(this.capacity * size);
    const direct = channels === target.channels && height === target.height && width === target.width;
    // Images that need no conversion are mapped straight into the set's buffer.
    let image = direct ? this.pixels.subarray(this.count * size, (this.count + 1) * size) : new Float32Array(values.length);
    const [lo, hi] = mapValues(values, image, this.settings.sourceRange, this.settings.range, name);
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    if (channels !== target.channels) {
      const conversion = channelConversion(channels, target.channels);
      image = convertChannels(image, height * width, channels, target.channels);
      this.channelsFrom.add(channels);
      this.conversions.add(conversion);
    }
    if (height !== target.height || width !== target.width) {
      image = resizeAndCrop(image, height, width, target.channels, target.height, target.width);
      const from = `${height}×${width}`;
      this.resizedFrom.set(from, (this.resizedFrom.get(from) ?? 0) + 1);
    }
    if (!direct) this.pixels.set(image, this.count * size);
    this.count++;
  }

  /** The images added (a view when fewer than announced) and what was done to them. */
  finish(): { images: Float32Array; shape: ImageShape; description: Pick<ImageDatasetDescription, 'observedRange' | 'resize' | 'channels'> } {
    if (this.count === 0 || this.shape === undefined || this.pixels === undefined) throw new DataSourceError(this.source, 'holds no images');
    const size = this.shape.height * this.shape.width * this.shape.channels;
    const resized = [...this.resizedFrom.values()].reduce((a, b) => a + b, 0);
    const sizes = [...this.resizedFrom.keys()];
    return {
      images: this.count === this.capacity ? this.pixels : this.pixels.subarray(0, this.count * size),
      shape: this.shape,
      description: {
        observedRange: [this.min, this.max],
        ...(resized > 0
          ? { resize: { method: resizeMethod, images: resized, from: sizes.length > 5 ? [...sizes.slice(0, 5), `${sizes.length - 5} more sizes`] : sizes, to: [this.shape.height, this.shape.width] as [number, number] } }
          : {}),
        ...(this.conversions.size > 0 ? { channels: { from: [...this.channelsFrom].sort(), to: this.shape.channels, conversion: [...this.conversions] } } : {}),
      },
    };
  }
}

/** The target shape an `inputShape` option fixes, or undefined when it is not [height, width, channels]. */
export function targetShape(inputShape: readonly number[] | undefined): ImageShape | undefined {
  if (inputShape === undefined) return undefined;
  if (!inputShape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`inputShape must be positive integers, got [${inputShape.join(', ')}]`);
  if (inputShape.length !== 3) return undefined;
  const [height, width, channels] = inputShape as [number, number, number];
  if (channels !== 1 && channels !== 3) throw new Error(`inputShape [${inputShape.join(', ')}]: images have 1 (gray) or 3 (RGB) channels`);
  return { height, width, channels };
}

/** Refuses an inputShape of another rank that does not hold one image's values. */
export function checkFlatInputShape(inputShape: readonly number[] | undefined, shape: ImageShape, source: string): void {
  if (inputShape === undefined || inputShape.length === 3) return;
  const want = inputShape.reduce((a, b) => a * b, 1);
  const have = shape.height * shape.width * shape.channels;
  if (want !== have) {
    throw new DataSourceError(source, `images are ${shape.height}×${shape.width}×${shape.channels} (${have} values) but inputShape [${inputShape.join(', ')}] needs ${want}; give inputShape as [height, width, channels] to resize`);
  }
}

/**
 * Maps `values` from `from` to `to` into `out` (one pass), returning the smallest and largest
 * value; anything outside `from`, NaN or ±Inf is left to `checkValuesInRange` to explain.
 */
function mapValues(values: ArrayLike<number>, out: Float32Array, from: PixelRange, to: PixelRange, name: string): [number, number] {
  if (values instanceof Uint8Array) return mapBytes(values, out, from, to, name);
  const [a, b] = from;
  const [c, d] = to;
  const identity = a === c && b === d;
  let min = Infinity;
  let max = -Infinity;
  let outside = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (!(v >= a && v <= b)) outside = true; // also NaN
    // (v - a) / (b - a) first keeps byte / 255 bit-identical to the IDX reader's pixels.
    out[i] = identity ? v : ((v - a) / (b - a)) * (d - c) + c;
  }
  if (outside) {
    checkValuesInRange(values, from, name);
    throw new DataSourceError(name, `values span [${min}, ${max}], outside ${formatPixelRange(from)}`);
  }
  return [min, max];
}

/** `mapValues` for bytes: a 256-entry table (the same expression per byte value), several times faster. */
function mapBytes(values: Uint8Array, out: Float32Array, from: PixelRange, to: PixelRange, name: string): [number, number] {
  const [a, b] = from;
  const [c, d] = to;
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = a === c && b === d ? v : ((v - a) / (b - a)) * (d - c) + c;
  let min = 255;
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    out[i] = table[v]!;
  }
  if (values.length > 0 && (min < a || max > b)) checkValuesInRange(values, from, name);
  return values.length === 0 ? [NaN, NaN] : [min, max];
}
