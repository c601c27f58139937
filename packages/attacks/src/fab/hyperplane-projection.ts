import * as tf from '@tensorflow/tfjs-core';
import { nativeLoops } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { L1HyperplaneProjection } from './l1-hyperplane-projection.js';

/** The norms FAB minimizes here (L1 in l1-hyperplane-projection.ts). */
export type FabNorm = 'linf' | 'l2' | 'l1';

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
  const [m, d] = t.shape;
  const out = new Float32Array(m * d);
  projectRows(t.dataSync() as Float32Array, w.dataSync() as Float32Array, b.dataSync() as Float32Array, m, d, norm, bounds, out);
  return tf.tensor2d(out, [m, d]);
}

/**
 * `projectOntoHyperplane` on flat rows: points and normals [m·d], offsets [m]; writes the steps
 * to `out` [m·d], which must hold zeros (coordinates that never move are not written).
 */
export function projectRows(
  points: Float32Array,
  normals: Float32Array,
  offsets: Float32Array,
  m: number,
  d: number,
  norm: FabNorm,
  bounds: Bounds,
  out: Float32Array,
): void {
  if (norm === 'l1') {
    const projection = new L1HyperplaneProjection(d);
    const [low, high] = bounds ?? [-Infinity, Infinity];
    for (let row = 0; row < m; row++) projection.project(points, normals, offsets[row]!, row, low, high, out);
    return;
  }
  if (bounds === null) return unboxedProjection(points, normals, offsets, m, d, norm, out);
  // The same values from the compiled loop (tensor-blas), several times faster than the one below.
  const compiled = nativeLoops();
  if (compiled && compiled.fabProjection(m, d, points, normals, offsets, norm === 'l2' ? 1 : 0, bounds[0], bounds[1], out) === 0) return;
  const scratch = new RowScratch(d);
  for (let row = 0; row < m; row++) projectRow(points, normals, offsets[row]!, row * d, d, norm, bounds, scratch, out);
}

/** Without a box: c·sign(w)/‖w‖₁ (L∞) and c·w/‖w‖₂² (L2), with c the signed gap. */
function unboxedProjection(
  points: Float32Array,
  normals: Float32Array,
  offsets: Float32Array,
  m: number,
  d: number,
  norm: FabNorm,
  out: Float32Array,
): void {
  for (let row = 0; row < m; row++) {
    const at = row * d;
    let dot = 0;
    let size = 0;
    for (let i = at; i < at + d; i++) {
      dot += normals[i]! * points[i]!;
      size += norm === 'linf' ? Math.abs(normals[i]!) : normals[i]! * normals[i]!;
    }
    const scale = (offsets[row]! - dot) / (size + tiny);
    for (let i = at; i < at + d; i++) out[i] = norm === 'linf' ? Math.sign(normals[i]!) * scale : normals[i]! * scale;
  }
}

/** Buckets the breakpoints are counted into before the exact search; the compiled loop uses as many. */
const bucketCount = 64;

/** Per-row work arrays, allocated once per call. */
class RowScratch {
  readonly room: Float64Array;
  // The breakpoints not yet placed on either side of the solution, with their weights.
  readonly key: Float64Array;
  readonly weight: Float64Array;
  // Per bucket: Σ a_i, Σ a_i·key_i, the largest key (−1 when empty), Σ a_i over the buckets above.
  readonly bucketWeight = new Float64Array(bucketCount);
  readonly bucketReach = new Float64Array(bucketCount);
  readonly bucketTop = new Float64Array(bucketCount);
  readonly weightAbove = new Float64Array(bucketCount);
  // xorshift32 state for the pivots: fixed per row, so seeded runs sum in the same order.
  private state = 1;
  constructor(d: number) {
    this.room = new Float64Array(d);
    this.key = new Float64Array(d);
    this.weight = new Float64Array(d);
  }
  restart(): void {
    this.state = 0x9e3779b9;
  }
  /** A pseudo-random index in [0, n). */
  pick(n: number): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state % n;
  }
}

/**
 * One row, exactly: orient w so that ⟨w, δ⟩ = c ≥ 0 is needed; each coordinate moves along
 * sign(w_i) by min(r, room_i) (L∞) or min(r·|w_i|, room_i) (L2), where room_i is what the box
 * allows. Then ⟨w, δ(r)⟩ = Σ a_i·min(r, key_i) with a_i = |w_i|, key_i = room_i (L∞) or
 * a_i = w_i², key_i = room_i/|w_i| (L2): increasing and piecewise linear in r. Buckets, then a
 * quickselect over one bucket's breakpoints (expected O(d), no sort), find the piece, solved in
 * closed form.
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
  // Locals, not fields: these loops run over d values per pass.
  const { room, key, weight } = s;
  let count = 0;
  // The reach with every coordinate at its room: the most the box allows.
  let full = 0;
  let largest = 0;
  for (let i = 0; i < d; i++) {
    const wi = normals[at + i]! * orientation;
    const ti = points[at + i]!;
    const r = wi > 0 ? bounds[1] - ti : wi < 0 ? ti - bounds[0] : 0;
    room[i] = r > 0 ? r : 0;
    // A zero weight never moves, a zero key never adds reach: both are left out of the breakpoints.
    if (wi === 0) continue;
    const magnitude = wi < 0 ? -wi : wi;
    const k = norm === 'linf' ? room[i]! : room[i]! / magnitude;
    if (!(k > 0)) continue;
    weight[count] = norm === 'linf' ? magnitude : magnitude * magnitude;
    key[count] = k;
    full += weight[count]! * key[count]!;
    if (key[count]! > largest) largest = key[count]!;
    count++;
  }
  if (count === 0) return;
  const parameter = full >= needed ? solveBucketed(key, weight, count, needed, largest, s) : Infinity;
  for (let i = 0; i < d; i++) {
    const wi = normals[at + i]! * orientation;
    if (wi === 0) continue;
    const move = norm === 'linf' ? parameter : parameter * (wi < 0 ? -wi : wi);
    out[at + i] = (wi > 0 ? 1 : -1) * Math.min(move, room[i]!);
  }
}

/** The bucket of a key in [0, largest]: monotone in the key, so lower buckets hold smaller keys. */
function bucketOf(key: number, scale: number): number {
  const at = key * scale > 0 ? key * scale : 0;
  return at < bucketCount ? Math.floor(at) : bucketCount - 1;
}

/**
 * The r ≤ largest with Σ a_i·min(r, key_i) = needed. One pass counts the breakpoints into
 * buckets; the reach at each bucket's largest key finds the bucket holding r; only that bucket's
 * breakpoints go to the exact search, with the buckets below saturated and those above on the
 * slope. Overwrites key and weight.
 */
function solveBucketed(key: Float64Array, weight: Float64Array, count: number, needed: number, largest: number, s: RowScratch): number {
  const { bucketWeight, bucketReach, bucketTop, weightAbove } = s;
  bucketWeight.fill(0);
  bucketReach.fill(0);
  bucketTop.fill(-1);
  const scale = bucketCount / largest;
  for (let i = 0; i < count; i++) {
    const b = bucketOf(key[i]!, scale);
    bucketWeight[b] = bucketWeight[b]! + weight[i]!;
    bucketReach[b] = bucketReach[b]! + weight[i]! * key[i]!;
    if (key[i]! > bucketTop[b]!) bucketTop[b] = key[i]!;
  }
  weightAbove[bucketCount - 1] = 0;
  for (let b = bucketCount - 2; b >= 0; b--) weightAbove[b] = weightAbove[b + 1]! + bucketWeight[b + 1]!;
  let below = 0;
  let chosen = -1;
  for (let b = 0; b < bucketCount; b++) {
    if (bucketTop[b]! < 0) continue;
    if (below + bucketReach[b]! + bucketTop[b]! * weightAbove[b]! >= needed) {
      chosen = b;
      break;
    }
    below += bucketReach[b]!;
  }
  // Rounding put the need above the last bucket's reach: every coordinate at its room.
  if (chosen < 0) return Infinity;
  let open = 0;
  for (let i = 0; i < count; i++) if (bucketOf(key[i]!, scale) === chosen) keep(key, weight, i, open++);
  return solvePiece(key, weight, open, needed, below, weightAbove[chosen]!, s);
}

/**
 * The r with saturated + slope·r + Σ a_i·min(r, key_i) = needed over the `open` breakpoints
 * left. They are split around random pivots: those certainly below r add a_i·key_i
 * (saturated), those above add a_i·r (slope). Overwrites key and weight.
 */
function solvePiece(key: Float64Array, weight: Float64Array, open: number, needed: number, saturated: number, slope: number, s: RowScratch): number {
  s.restart();
  // The undecided breakpoints are key[0..open).
  while (open > 0) {
    const pivot = key[s.pick(open)]!;
    let reach = saturated + slope * pivot;
    for (let i = 0; i < open; i++) reach += weight[i]! * (key[i]! < pivot ? key[i]! : pivot);
    let kept = 0;
    if (reach >= needed) {
      // r ≤ pivot: every key ≥ pivot is unsaturated at r; keep the smaller ones.
      for (let i = 0; i < open; i++) {
        if (key[i]! >= pivot) slope += weight[i]!;
        else keep(key, weight, i, kept++);
      }
    } else {
      // r > pivot: every key ≤ pivot is saturated; keep the larger ones.
      for (let i = 0; i < open; i++) {
        if (key[i]! <= pivot) saturated += weight[i]! * key[i]!;
        else keep(key, weight, i, kept++);
      }
    }
    open = kept;
  }
  // No slope left: rounding put the need at the top of the reach, where every coordinate is at its room.
  return slope > 0 ? Math.max(needed - saturated, 0) / slope : Infinity;
}

/** Moves breakpoint i to the front slot j ≤ i; what was at j is decided and no longer read. */
function keep(key: Float64Array, weight: Float64Array, i: number, j: number): void {
  key[j] = key[i]!;
  weight[j] = weight[i]!;
}
