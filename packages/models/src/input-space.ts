import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** The pixel ranges models are commonly fed, by name. */
export const namedInputRanges = {
  '0-1': [0, 1],
  '0-255': [0, 255],
  '-1-1': [-1, 1],
} as const satisfies Record<string, readonly [number, number]>;
export type InputRangeName = keyof typeof namedInputRanges;

/**
 * Where the caller's inputs live and how the model wants them: x in `range` (the caller's
 * units: ε and clipping are in these), and the model sees (x − mean) / std, per channel
 * (the last axis) or one number for all.
 */
export interface InputSpace {
  range?: InputRangeName | readonly [low: number, high: number];
  mean?: number | readonly number[];
  std?: number | readonly number[];
}

export class InputSpaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputSpaceError';
  }
}

/** [low, high] of a named or explicit range, checked. */
export function resolveInputRange(range: InputSpace['range']): readonly [number, number] | undefined {
  if (range === undefined) return undefined;
  const resolved = typeof range === 'string' ? namedInputRanges[range] : range;
  if (resolved === undefined) throw new InputSpaceError(`unknown input range '${String(range)}'; use ${Object.keys(namedInputRanges).join(', ')} or [low, high]`);
  const [low, high] = resolved;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) throw new InputSpaceError(`input range must be finite with low < high, got [${low}, ${high}]`);
  return [low, high];
}

function perChannel(name: 'mean' | 'std', value: number | readonly number[] | undefined, channels: number, fallback: number): number[] {
  if (value === undefined) return [fallback];
  const values = typeof value === 'number' ? [value] : [...value];
  if (values.length !== 1 && values.length !== channels) {
    throw new InputSpaceError(`${name} has ${values.length} values; the input has ${channels} channels (give 1 or ${channels})`);
  }
  if (values.some((v) => !Number.isFinite(v)) || (name === 'std' && values.some((v) => v <= 0))) {
    throw new InputSpaceError(`${name} must be finite${name === 'std' ? ' and positive' : ''}, got [${values.join(', ')}]`);
  }
  return values;
}

/**
 * `classifier` (which takes model-space inputs) as a classifier of the caller's inputs: predict
 * normalizes with mean/std first, and `inputRange` declares the box attacks clip to. With no
 * mean/std, only the range is declared.
 */
export function withInputSpace(classifier: Classifier, space: InputSpace): Classifier {
  const inputRange = resolveInputRange(space.range);
  const channels = classifier.inputShape[classifier.inputShape.length - 1] ?? 1;
  const mean = perChannel('mean', space.mean, channels, 0);
  const std = perChannel('std', space.std, channels, 1);
  const identity = mean.every((m) => m === 0) && std.every((s) => s === 1);
  const shape = (values: number[]) => (values.length === 1 ? [] : [values.length]);
  return {
    inputShape: classifier.inputShape,
    numClasses: classifier.numClasses,
    trainableVariables: classifier.trainableVariables,
    ...(inputRange ? { inputRange } : {}),
    predict(x: tf.Tensor): tf.Tensor2D {
      if (identity) return classifier.predict(x);
      return tf.tidy(() => classifier.predict(tf.div(tf.sub(x, tf.tensor(mean, shape(mean))), tf.tensor(std, shape(std)))));
    },
  };
}
