/**
 * A Cholesky factor L (G_FF = L Lᵀ) of the Gram matrix restricted to an ordered set of
 * indices F, updated in O(k²) when an index is appended or removed.
 */
export class GrowingCholesky {
  /** Indices of G in factor order. */
  readonly members: number[] = [];
  private factor: Float64Array;
  private capacity: number;

  constructor(
    private readonly gram: Float64Array,
    private readonly size: number,
    /** An index is dependent when its residual δ² ≤ tolerance·G_ii. */
    private readonly dependenceTolerance = 1e-10,
  ) {
    this.capacity = Math.max(4, Math.min(size, 64));
    this.factor = new Float64Array(this.capacity * this.capacity);
  }

  get length(): number {
    return this.members.length;
  }

  /**
   * Appends index i when its row is independent of the members and returns null; otherwise
   * leaves the factor unchanged and returns z = G_FF⁻¹ G_Fi (its row is Σ z_p row_p).
   */
  tryAppend(i: number): Float64Array | null {
    const k = this.members.length;
    const column = new Float64Array(k);
    for (let p = 0; p < k; p++) column[p] = this.gram[this.members[p]! * this.size + i]!;
    const l = this.forward(column);
    let norm = 0;
    for (let p = 0; p < k; p++) norm += l[p]! * l[p]!;
    const diagonal = this.gram[i * this.size + i]!;
    const residual = diagonal - norm;
    if (!(residual > this.dependenceTolerance * Math.max(diagonal, Number.MIN_VALUE)))
      return this.backward(l);
    this.ensureCapacity(k + 1);
    const c = this.capacity;
    for (let p = 0; p < k; p++) this.factor[k * c + p] = l[p]!;
    this.factor[k * c + k] = Math.sqrt(residual);
    this.members.push(i);
    return null;
  }

  /** Removes the member at factor position `position` (Givens rotations restore the triangle). */
  removeAt(position: number): void {
    const k = this.members.length;
    const c = this.capacity;
    const L = this.factor;
    for (let row = position; row < k - 1; row++) {
      for (let col = 0; col <= row + 1; col++) L[row * c + col] = L[(row + 1) * c + col]!;
    }
    // Rows ≥ position now have one entry above the diagonal; rotate columns (j, j+1) away.
    for (let j = position; j < k - 1; j++) {
      const a = L[j * c + j]!;
      const b = L[j * c + j + 1]!;
      const h = Math.hypot(a, b);
      const cos = h === 0 ? 1 : a / h;
      const sin = h === 0 ? 0 : b / h;
      for (let row = j; row < k - 1; row++) {
        const x = L[row * c + j]!;
        const y = L[row * c + j + 1]!;
        L[row * c + j] = cos * x + sin * y;
        L[row * c + j + 1] = -sin * x + cos * y;
      }
      if (L[j * c + j]! < 0)
        for (let row = j; row < k - 1; row++) L[row * c + j] = -L[row * c + j]!;
    }
    for (let col = 0; col < k; col++) L[(k - 1) * c + col] = 0;
    for (let row = 0; row < k - 1; row++) L[row * c + k - 1] = 0;
    this.members.splice(position, 1);
  }

  /** Solves G_FF y = b (b in member order). */
  solve(b: Float64Array): Float64Array {
    return this.backward(this.forward(b));
  }

  private forward(b: Float64Array): Float64Array {
    const k = b.length;
    const c = this.capacity;
    const y = new Float64Array(k);
    for (let row = 0; row < k; row++) {
      let sum = b[row]!;
      for (let col = 0; col < row; col++) sum -= this.factor[row * c + col]! * y[col]!;
      y[row] = sum / this.factor[row * c + row]!;
    }
    return y;
  }

  private backward(y: Float64Array): Float64Array {
    const k = y.length;
    const c = this.capacity;
    const x = new Float64Array(k);
    for (let row = k - 1; row >= 0; row--) {
      let sum = y[row]!;
      for (let col = row + 1; col < k; col++) sum -= this.factor[col * c + row]! * x[col]!;
      x[row] = sum / this.factor[row * c + row]!;
    }
    return x;
  }

  private ensureCapacity(k: number): void {
    if (k <= this.capacity) return;
    const next = Math.max(k, Math.min(this.size, this.capacity * 2));
    const grown = new Float64Array(next * next);
    for (let row = 0; row < this.members.length; row++) {
      for (let col = 0; col <= row; col++)
        grown[row * next + col] = this.factor[row * this.capacity + col]!;
    }
    this.factor = grown;
    this.capacity = next;
  }
}
