import * as tf from '@tensorflow/tfjs-core';
import type { Bounds } from '../bounds.js';

/** The norms FAB minimizes here. */
export type FabNorm = 'linf' | 'l2';

const tiny = 1e-12;

/**
 * The smallest step δ (in ‖·‖∞ or ‖·‖₂) per row that moves the point t onto the hyperplane
 * ⟨w, t + δ⟩ = b while t + δ stays in the bounds (FAB's projection, Croce & Hein 2020). When the
 * box cannot reach the hyperplane, the step that gets closest. Rows are examples: t, w [m, d],
 * b [m]; returns δ [m, d] (caller owns).
 */
export function projectOntoHyperplane(
  t: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  norm: FabNorm,
  bounds: Bounds,
): tf.Tensor2D {
  if (bounds === null) return unboxedProjection(t, w, b, norm);
  const [m, d] = t.shape;
  const points = t.dataSync();
  const normals = w.dataSync();
  const offsets = b.dataSync();
  const out = new Float32Array(m * d);
  const scratch = new RowScratch(d);
  for (let row = 0; row < m; row++)
    projectRow(points, normals, offsets[row]!, row * d, d, norm, bounds, scratch, out);
  return tf.tensor2d(out, [m, d]);
}

/** Without a box: c·sign(w)/‖w‖₁ (L∞) and c·w/‖w‖₂² (L2), with c the signed gap. */
function unboxedProjection(
  t: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  norm: FabNorm,
): tf.Tensor2D {
  return tf.tidy(() => {
    const gap = tf.reshape(tf.sub(b, tf.sum(tf.mul(w, t), 1)), [-1, 1]);
    if (norm === 'linf')
      return tf.mul(tf.sign(w), tf.div(gap, tf.add(tf.sum(tf.abs(w), 1, true), tiny)));
    return tf.mul(w, tf.div(gap, tf.add(tf.sum(tf.square(w), 1, true), tiny)));
  }) as tf.Tensor2D;
}

/** Per-row work arrays, allocated once per call. */
class RowScratch {
  readonly magnitude: Float64Array;
  readonly room: Float64Array;
  readonly key: Float64Array;
  readonly order: Uint32Array;
  readonly suffixFree: Float64Array;
  constructor(d: number) {
    this.magnitude = new Float64Array(d);
    this.room = new Float64Array(d);
    this.key = new Float64Array(d);
    this.order = new Uint32Array(d);
    this.suffixFree = new Float64Array(d + 1);
  }
}

/**
 * One row, exactly: orient w so that ⟨w, δ⟩ = c ≥ 0 is needed; each coordinate moves along
 * sign(w_i) by min(r, room_i) (L∞) or min(λ|w_i|, room_i) (L2), where room_i is what the box
 * allows. ⟨w, δ⟩ is piecewise linear and increasing in r (λ): scan the breakpoints in order.
 */
function projectRow(
  points: ArrayLike<number>,
  normals: ArrayLike<number>,
  offset: number,
  at: number,
  d: number,
  norm: FabNorm,
  bounds: readonly [number, number],
  s: RowScratch,
  out: Float32Array,
): void {
  let dot = 0;
  for (let i = 0; i < d; i++) dot += normals[at + i]! * points[at + i]!;
  const gap = offset - dot;
  const orientation = gap < 0 ? -1 : 1;
  const needed = Math.abs(gap);
  if (needed === 0) return;
  let count = 0;
  for (let i = 0; i < d; i++) {
    const wi = normals[at + i]! * orientation;
    const ti = points[at + i]!;
    s.magnitude[i] = Math.abs(wi);
    s.room[i] = Math.max(wi > 0 ? bounds[1] - ti : wi < 0 ? ti - bounds[0] : 0, 0);
    if (wi === 0) continue;
    s.key[i] = norm === 'linf' ? s.room[i]! : s.room[i]! / s.magnitude[i]!;
    s.order[count++] = i;
  }
  const order = s.order.subarray(0, count).sort((a, b) => s.key[a]! - s.key[b]!);
  // The slope of ⟨w, δ⟩ in r (λ) from the k-th breakpoint on: Σ over unsaturated of |w| (w²).
  s.suffixFree[count] = 0;
  for (let k = count - 1; k >= 0; k--) {
    const i = order[k]!;
    s.suffixFree[k] =
      s.suffixFree[k + 1]! + (norm === 'linf' ? s.magnitude[i]! : s.magnitude[i]! ** 2);
  }
  let saturated = 0;
  let parameter = Infinity;
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const candidate = (needed - saturated) / s.suffixFree[k]!;
    if (candidate <= s.key[i]!) {
      parameter = candidate;
      break;
    }
    saturated += s.magnitude[i]! * s.room[i]!;
  }
  for (let k = 0; k < count; k++) {
    const i = order[k]!;
    const move = norm === 'linf' ? parameter : parameter * s.magnitude[i]!;
    const sign = normals[at + i]! * orientation > 0 ? 1 : -1;
    out[at + i] = sign * Math.min(move, s.room[i]!);
  }
}
