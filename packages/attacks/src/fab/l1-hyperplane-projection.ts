/**
 * FAB-L1's projection (Croce & Hein 2020, the L1 case): the smallest ‖δ‖₁ moving the point t
 * onto ⟨w, t + δ⟩ = b inside [low, high]. A linear program with a greedy solution: move the
 * coordinates in order of decreasing |w_j| to their bound (in the direction that closes the
 * gap), the last one only as far as needed; when the box cannot close the gap, every coordinate
 * goes to its bound (the step that gets closest, as the reference code).
 */
export class L1HyperplaneProjection {
  private readonly order: Int32Array;
  private readonly weights: Float64Array;

  constructor(readonly width: number) {
    this.order = new Int32Array(width);
    this.weights = new Float64Array(width);
  }

  /** Writes δ for row `row` (flat rows of `width`) into `out`, which must hold zeros there. */
  project(points: Float32Array, normals: Float32Array, offset: number, row: number, low: number, high: number, out: Float32Array): void {
    const d = this.width;
    const at = row * d;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += normals[at + j]! * points[at + j]!;
    const gap = offset - dot;
    if (gap === 0) return;
    // Moving coordinate j by s_j·r (s_j = sign(gap·w_j), r ≥ 0) closes |w_j|·r of |gap|.
    let count = 0;
    for (let j = 0; j < d; j++) {
      if (normals[at + j] !== 0) {
        this.order[count] = j;
        this.weights[j] = Math.abs(normals[at + j]!);
        count++;
      }
    }
    const order = this.order.subarray(0, count).sort((a, b) => this.weights[b]! - this.weights[a]!);
    let left = Math.abs(gap);
    for (const j of order) {
      const up = (gap > 0) === normals[at + j]! > 0;
      const room = Math.max(up ? high - points[at + j]! : points[at + j]! - low, 0);
      const needed = left / this.weights[j]!;
      // The last coordinate moved closes the rest of the gap exactly.
      if (needed <= room) {
        out[at + j] = up ? needed : -needed;
        return;
      }
      out[at + j] = up ? room : -room;
      left -= room * this.weights[j]!;
    }
  }
}
