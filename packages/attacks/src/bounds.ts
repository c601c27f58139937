import * as tf from '@tensorflow/tfjs-core';

/** Closed interval every input value lives in; `null` means unbounded (hidden activities). */
export type Bounds = readonly [low: number, high: number] | null;

export const defaultBounds: Bounds = [0, 1];

/** x clipped to the bounds (a copy when unbounded, so the caller always owns a new tensor). */
export function clipToBounds(x: tf.Tensor, bounds: Bounds): tf.Tensor {
  return bounds === null ? tf.clone(x) : tf.clipByValue(x, bounds[0], bounds[1]);
}
