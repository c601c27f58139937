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
  readonly weight: Float64Array;
  readonly room: Float64Array;
  readonly key: Float64Array;
  readonly sorted: Float64Array;
  constructor(d: number) {
    this.weight = new Float64Array(d);
    this.room = new Float64Array(d);
    this.key = new Float64Array(d);
    this.sorted = new Float64Array(d);
  }
}

/**
 * One row, exactly: orient w so that ⟨w, δ⟩ = c ≥ 0 is needed; each coordinate moves along
 * sign(w_i) by min(r, room_i) (L∞) or min(r·|w_i|, room_i) (L2), where room_i is what the box
 * allows. Then ⟨w, δ(r)⟩ = Σ a_i·min(r, key_i) with a_i = |w_i|, key_i = room_i (L∞) or
 * a_i = w_i², key_i = room_i/|w_i| (L2): increasing and piecewise linear in r. A binary search
 * over the sorted breakpoints (a native numeric sort) finds the piece, solved in closed form.
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
  // Locals, not fields: these loops run d times per breakpoint probed.
  const { weight, room, key } = s;
  let count = 0;
  for (let i = 0; i < d; i++) {
    const wi = normals[at + i]! * orientation;
    const ti = points[at + i]!;
    const magnitude = Math.abs(wi);
    room[i] = Math.max(wi > 0 ? bounds[1] - ti : wi < 0 ? ti - bounds[0] : 0, 0);
    // A zero weight never moves: key ∞ and weight 0 keep it out of every sum below.
    weight[i] = norm === 'linf' ? magnitude : magnitude * magnitude;
    key[i] = wi === 0 ? Infinity : norm === 'linf' ? room[i]! : room[i]! / magnitude;
    if (wi !== 0) s.sorted[count++] = key[i]!;
  }
  if (count === 0) return;
  const sorted = s.sorted.subarray(0, count).sort();
  let parameter = Infinity;
  if (reach(weight, key, d, sorted[count - 1]!) >= needed) {
    // The first breakpoint where the reach meets the need: r lies in (sorted[j − 1], sorted[j]].
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (reach(weight, key, d, sorted[mid]!) >= needed) hi = mid;
      else lo = mid + 1;
    }
    const below = lo > 0 ? sorted[lo - 1]! : -Infinity;
    let saturated = 0;
    let slope = 0;
    for (let i = 0; i < d; i++) {
      if (key[i]! <= below) saturated += weight[i]! * key[i]!;
      else slope += weight[i]!;
    }
    parameter = (needed - saturated) / slope;
  }
  for (let i = 0; i < d; i++) {
    if (key[i]! === Infinity) continue;
    const wi = normals[at + i]! * orientation;
    const move = norm === 'linf' ? parameter : parameter * Math.abs(wi);
    out[at + i] = (wi > 0 ? 1 : -1) * Math.min(move, room[i]!);
  }
}

/** ⟨w, δ(r)⟩ = Σ a_i·min(r, key_i): saturated coordinates give a_i·key_i, the others a_i·r. */
function reach(weight: Float64Array, key: Float64Array, d: number, r: number): number {
  let total = 0;
  for (let i = 0; i < d; i++) total += weight[i]! * Math.min(r, key[i]!);
  return total;
}
