/**
 * The Euclidean projection onto the L1 ball around x intersected with a box (Croce & Hein 2021,
 * "Mind the box", Lemma 3.2): p_j = x_j + sign(δ_j)·min(max(|δ_j| − λ, 0), room_j), δ = z − x,
 * room_j the box's room from x_j in δ_j's direction, and λ ≥ 0 the smallest value that brings
 * ‖p − x‖₁ to at most ε. One row at a time, in float64.
 */
export class L1BoxProjection {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;

  constructor(readonly width: number) {
    this.starts = new Float64Array(width);
    this.ends = new Float64Array(width);
  }

  /**
   * Writes the projection of row `row` of `z` (flat, `width` values per row) into the same row
   * of `out` (may be `z`). `x` holds the centers, inside [low, high] (null: no box).
   */
  project(z: Float32Array, x: Float32Array, row: number, epsilon: number, low: number, high: number, out: Float32Array): void {
    const w = this.width;
    const at = row * w;
    // Per coordinate the shrunk size min(max(|δ| − λ, 0), room) falls with slope −1 between
    // λ = max(|δ| − room, 0) (`starts`) and λ = |δ| (`ends`), and is flat elsewhere.
    let kept = 0;
    let total = 0;
    for (let j = 0; j < w; j++) {
      const d = z[at + j]! - x[at + j]!;
      const size = Math.abs(d);
      if (size === 0) continue;
      const room = d > 0 ? high - x[at + j]! : x[at + j]! - low;
      const capped = Math.min(size, Math.max(room, 0));
      total += capped;
      if (capped > 0) {
        this.starts[kept] = size - capped;
        this.ends[kept] = size;
        kept++;
      }
    }
    const lambda = total <= epsilon ? 0 : this.threshold(kept, total, epsilon);
    for (let j = 0; j < w; j++) {
      const c = x[at + j]!;
      const d = z[at + j]! - c;
      const room = Math.max(d > 0 ? high - c : c - low, 0);
      const size = Math.min(Math.max(Math.abs(d) - lambda, 0), room);
      out[at + j] = d > 0 ? c + size : d < 0 ? c - size : c;
    }
  }

  /** λ > 0 with Σ min(max(|δ| − λ, 0), room) = ε, by a sweep over the sorted breakpoints. */
  private threshold(count: number, total: number, epsilon: number): number {
    const starts = this.starts.subarray(0, count).sort();
    const ends = this.ends.subarray(0, count).sort();
    let lambda = 0;
    let value = total;
    let falling = 0;
    for (let s = 0, e = 0; s < count || e < count; ) {
      const next = s < count && starts[s]! <= ends[e]! ? starts[s]! : ends[e]!;
      const reached = value - falling * (next - lambda);
      if (reached <= epsilon && falling > 0) return lambda + (value - epsilon) / falling;
      value = reached;
      lambda = next;
      if (s < count && starts[s]! <= ends[e]!) {
        falling++;
        s++;
      } else {
        falling--;
        e++;
      }
    }
    // Unreachable for ε ≥ 0: the value falls to 0 at the largest end.
    return lambda;
  }
}
