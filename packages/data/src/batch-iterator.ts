import * as tf from '@tensorflow/tfjs-core';
import { Random, type Seed } from '@liftguard/tensor';
import { valuesPerImage, type ImageSet } from './image-set.js';
import { oneHot } from './one-hot.js';

/** `flat`: x is [batch, height·width·channels]; `image`: x is [batch, height, width, channels] (NHWC). */
export type ImageLayout = 'flat' | 'image';

/** One batch. Its tensors belong to the iterator: valid until the next batch is requested. */
export interface Batch {
  readonly x: tf.Tensor;
  readonly labels: tf.Tensor1D;
  readonly oneHot: tf.Tensor2D;
  /** Positions of the batch's images in the set. */
  readonly indices: Int32Array;
  readonly size: number;
}

export interface BatchIteratorOptions {
  batchSize: number;
  /** Shuffle every epoch (needs `seed`); false gives the set's own order, for evaluation. */
  shuffle?: boolean;
  seed?: Seed;
  layout?: ImageLayout;
  /** Drop a last, smaller batch (default false). */
  dropRemainder?: boolean;
}

/**
 * Batches of an `ImageSet` as tensors. With `shuffle`, epoch e visits the images in a
 * permutation that depends only on (seed, e); without it, in order. Each batch's tensors
 * are disposed when the next batch is requested or the loop ends (also on `break`/throw).
 */
export class BatchIterator {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly layout: ImageLayout;
  readonly dropRemainder: boolean;
  private readonly random: Random | undefined;

  constructor(
    readonly set: ImageSet,
    options: BatchIteratorOptions,
  ) {
    const { batchSize, shuffle = false, seed, layout = 'flat', dropRemainder = false } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    if (shuffle && seed === undefined) throw new Error('shuffle needs a seed, so that every run visits the same order');
    if (layout !== 'flat' && layout !== 'image') throw new Error(`layout must be 'flat' or 'image', got '${String(layout)}'`);
    if (set.count === 0) throw new Error('cannot batch an empty image set');
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.layout = layout;
    this.dropRemainder = dropRemainder;
    this.random = seed === undefined ? undefined : new Random(seed);
  }

  /** Number of batches per epoch. */
  get batchesPerEpoch(): number {
    const n = this.set.count / this.batchSize;
    return this.dropRemainder ? Math.floor(n) : Math.ceil(n);
  }

  /** The order in which epoch `epoch` visits the images. */
  order(epoch = 0): Int32Array {
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`epoch must be a non-negative integer, got ${epoch}`);
    if (this.shuffle) return this.random!.fork(`epoch ${epoch}`).permutation(this.set.count);
    const order = new Int32Array(this.set.count);
    for (let i = 0; i < order.length; i++) order[i] = i;
    return order;
  }

  /** The batches of one epoch. */
  *batches(epoch = 0): Generator<Batch, void, undefined> {
    const order = this.order(epoch);
    const { set, batchSize } = this;
    const pixels = valuesPerImage(set);
    const xShape = (n: number) => (this.layout === 'flat' ? [n, pixels] : [n, set.height, set.width, set.channels ?? 1]);
    for (let start = 0; start < order.length; start += batchSize) {
      const indices = order.subarray(start, Math.min(start + batchSize, order.length));
      if (indices.length < batchSize && this.dropRemainder) return;
      const xs = new Float32Array(indices.length * pixels);
      const ys = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const k = indices[i]!;
        xs.set(set.images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
        ys[i] = set.labels[k]!;
      }
      const batch: Batch = {
        x: tf.tensor(xs, xShape(indices.length), 'float32'),
        labels: tf.tensor1d(ys, 'int32'),
        oneHot: tf.tensor2d(oneHot(ys, set.numClasses), [indices.length, set.numClasses]),
        indices,
        size: indices.length,
      };
      try {
        yield batch;
      } finally {
        tf.dispose([batch.x, batch.labels, batch.oneHot]);
      }
    }
  }

  [Symbol.iterator](): Generator<Batch, void, undefined> {
    return this.batches(0);
  }
}

/** The whole set as tensors (caller disposes): x in the given layout, int labels, one-hot labels. */
export function imageSetTensors(set: ImageSet, layout: ImageLayout = 'flat'): { x: tf.Tensor; labels: tf.Tensor1D; oneHot: tf.Tensor2D } {
  const shape = layout === 'flat' ? [set.count, valuesPerImage(set)] : [set.count, set.height, set.width, set.channels ?? 1];
  return {
    x: tf.tensor(set.images, shape, 'float32'),
    labels: tf.tensor1d(set.labels, 'int32'),
    oneHot: tf.tensor2d(oneHot(set.labels, set.numClasses), [set.count, set.numClasses]),
  };
}
