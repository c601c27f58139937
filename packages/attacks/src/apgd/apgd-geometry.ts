import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { clipToBounds } from '../bounds.js';
import { asRows } from '../norms/rows.js';

/** The norms APGD supports: L∞ and L2 with momentum (this file), L1 with the sparse step (apgd-l1-run.ts). */
export type ApgdNorm = MomentumNorm | 'l1';

/** The norms of the momentum run. */
export type MomentumNorm = 'linf' | 'l2';

// The reference code's guard in every normalization.
const tiny = 1e-12;

/** ‖t‖ per example, shaped [N, 1, …] to broadcast against t. */
function rowNorm(t: tf.Tensor, norm: MomentumNorm): tf.Tensor {
  const rows = asRows(t);
  const values = norm === 'linf' ? tf.max(tf.abs(rows), 1) : tf.sqrt(tf.sum(tf.square(rows), 1));
  return tf.reshape(values, [t.shape[0]!, ...t.shape.slice(1).map(() => 1)]);
}

/** t / (‖t‖ + 1e−12) per example. */
export function normalize(t: tf.Tensor, norm: MomentumNorm): tf.Tensor {
  return tf.tidy(() => tf.div(t, tf.add(rowNorm(t, norm), tiny)));
}

/**
 * APGD's start: a random direction scaled to the sphere of radius ε (L∞: uniform in the cube
 * then scaled to ‖·‖∞ = ε; L2: Gaussian then scaled to ‖·‖₂ = ε), clipped to the bounds.
 */
export function randomStart(
  x: tf.Tensor,
  epsilon: number,
  norm: MomentumNorm,
  bounds: Bounds,
  random: Random,
): tf.Tensor {
  return tf.tidy(() => {
    const shape = [...x.shape];
    const t = norm === 'linf' ? random.uniformTensor(shape, -1, 1) : random.normalTensor(shape);
    return clipToBounds(tf.add(x, tf.mul(normalize(t, norm), epsilon)), bounds);
  });
}

/** The steepest-ascent direction: sign(g) for L∞, g/‖g‖₂ for L2. */
export function ascentDirection(gradient: tf.Tensor, norm: MomentumNorm): tf.Tensor {
  return norm === 'linf' ? tf.sign(gradient) : normalize(gradient, norm);
}

/** Back into the ε-ball around x, then into the bounds (the reference code's order). */
export function projectToThreatModel(
  z: tf.Tensor,
  x: tf.Tensor,
  epsilon: number,
  norm: MomentumNorm,
  bounds: Bounds,
): tf.Tensor {
  return tf.tidy(() => {
    const delta = tf.sub(z, x);
    const inBall =
      norm === 'linf'
        ? tf.clipByValue(delta, -epsilon, epsilon)
        : tf.mul(normalize(delta, norm), tf.minimum(rowNorm(delta, norm), epsilon));
    return clipToBounds(tf.add(x, inBall), bounds);
  });
}

/** Row i of `ifTrue` where mask[i], else row i of `ifFalse` (a new tensor). */
export function selectRows(mask: Uint8Array, ifTrue: tf.Tensor, ifFalse: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shape = [mask.length, ...ifTrue.shape.slice(1).map(() => 1)];
    // a·m + b·(1 − m) is exact for finite values and much faster on wasm than a broadcast where.
    const keep = tf.reshape(tf.tensor1d(Float32Array.from(mask)), shape);
    return tf.add(tf.mul(ifTrue, keep), tf.mul(ifFalse, tf.sub(1, keep)));
  });
}
