/** Gram entries computed so far for one metric, by row index (symmetric, both halves stored). */
interface GramCache {
  metric: Float64Array | undefined;
  capacity: number;
  values: Float64Array;
  known: Uint8Array;
  /** Every pair among the first `complete` rows is known. */
  complete: number;
}

/**
 * The stacked cut rows A (m × n): float32 gradient rows, kept as separate arrays so cuts can
 * be appended and dropped without copying, with a Float64 cache of the Gram matrix A D⁻¹ Aᵀ
 * (for the metric last asked for) that persists across solves: an entry, once computed for a
 * pair of rows, is reused by every later `gram` or `gramOf` call.
 */
export class CutMatrix {
  private readonly rowList: Float32Array[] = [];
  private gramCache: GramCache | undefined;

  constructor(
    /** Number of parameters (columns). */
    readonly columns: number,
    rows: readonly Float32Array[] = [],
  ) {
    for (const row of rows) this.append(row);
  }

  get rows(): readonly Float32Array[] {
    return this.rowList;
  }

  get length(): number {
    return this.rowList.length;
  }

  /** Appends a row and returns its index. */
  append(row: Float32Array): number {
    if (row.length !== this.columns)
      throw new Error(`cut row has ${row.length} entries, expected ${this.columns}`);
    this.rowList.push(row);
    return this.rowList.length - 1;
  }

  /** A new matrix of the rows at `indices` (shared, not copied), keeping their cached Gram entries. */
  select(indices: readonly number[]): CutMatrix {
    const selected = new CutMatrix(
      this.columns,
      indices.map((i) => this.rowList[i]!),
    );
    const cache = this.gramCache;
    if (cache !== undefined) {
      const target = selected.cacheFor(cache.metric);
      const k = indices.length;
      for (let a = 0; a < k; a++) {
        const from = indices[a]!;
        if (from >= cache.capacity) continue;
        for (let b = 0; b < k; b++) {
          const to = indices[b]!;
          if (to >= cache.capacity || !cache.known[from * cache.capacity + to]) continue;
          target.values[a * target.capacity + b] = cache.values[from * cache.capacity + to]!;
          target.known[a * target.capacity + b] = 1;
        }
      }
      selected.advanceComplete(target);
    }
    return selected;
  }

  /** How many leading rows have every Gram entry among them cached for this metric. */
  cachedGramSize(metric?: Float64Array): number {
    return this.gramCache !== undefined && this.gramCache.metric === metric
      ? this.gramCache.complete
      : 0;
  }

  /** How many entries of the Gram matrix of `indices` (ordered pairs, diagonal included) are not cached yet. */
  missingGramEntries(indices: readonly number[], metric?: Float64Array): number {
    const cache = this.gramCache;
    if (cache === undefined || cache.metric !== metric) return indices.length ** 2;
    let missing = 0;
    for (const i of indices) {
      for (const j of indices) {
        if (i >= cache.capacity || j >= cache.capacity || !cache.known[i * cache.capacity + j])
          missing++;
      }
    }
    return missing;
  }

  /** G = A D⁻¹ Aᵀ (row-major m × m, Float64 accumulation); D is the identity when absent. */
  gram(metric?: Float64Array): Float64Array {
    return this.gramOf(
      Array.from({ length: this.rowList.length }, (_, i) => i),
      metric,
    );
  }

  /**
   * The Gram matrix of the rows at `indices` (k × k, in that order), computing only the
   * entries not cached yet (they stay cached for later calls).
   */
  gramOf(indices: readonly number[], metric?: Float64Array): Float64Array {
    const cache = this.cacheFor(metric);
    this.fill(cache, indices);
    const k = indices.length;
    const out = new Float64Array(k * k);
    const c = cache.capacity;
    for (let a = 0; a < k; a++) {
      const row = indices[a]! * c;
      for (let b = 0; b < k; b++) out[a * k + b] = cache.values[row + indices[b]!]!;
    }
    return out;
  }

  /** aᵢᵀD⁻¹aᵢ for every row (cached like the other Gram entries). */
  squaredNorms(metric?: Float64Array): Float64Array {
    const cache = this.cacheFor(metric);
    const out = new Float64Array(this.rowList.length);
    let weights: Float64Array | undefined;
    for (let i = 0; i < out.length; i++) {
      const at = i * cache.capacity + i;
      if (!cache.known[at]) {
        const row = this.rowList[i]!;
        if (metric !== undefined) weights ??= reciprocal(metric);
        cache.values[at] = weights === undefined ? dot(row, row) : dot(scaled(row, weights), row);
        cache.known[at] = 1;
      }
      out[i] = cache.values[at]!;
    }
    return out;
  }

  /** A x (length m), Float64. */
  times(x: Float64Array): Float64Array {
    const m = this.rowList.length;
    const out = new Float64Array(m);
    const sums = new Float64Array(4);
    // Four rows per pass share every load of x.
    let i = 0;
    for (; i + 3 < m; i += 4) {
      dot4(
        x,
        this.rowList[i]!,
        this.rowList[i + 1]!,
        this.rowList[i + 2]!,
        this.rowList[i + 3]!,
        sums,
      );
      out.set(sums, i);
    }
    for (; i < m; i++) out[i] = dot(this.rowList[i]!, x);
    return out;
  }

  /** Aᵀ λ (length n), Float64. */
  transposeTimes(lambda: Float64Array): Float64Array {
    const out = new Float64Array(this.columns);
    const used = this.rowList.map((_, i) => i).filter((i) => lambda[i] !== 0);
    // Four rows per pass: one read and one write of `out` per four rows.
    let k = 0;
    for (; k + 3 < used.length; k += 4) {
      const [i0, i1, i2, i3] = [used[k]!, used[k + 1]!, used[k + 2]!, used[k + 3]!];
      const r0 = this.rowList[i0]!;
      const r1 = this.rowList[i1]!;
      const r2 = this.rowList[i2]!;
      const r3 = this.rowList[i3]!;
      const w0 = lambda[i0]!;
      const w1 = lambda[i1]!;
      const w2 = lambda[i2]!;
      const w3 = lambda[i3]!;
      for (let p = 0; p < this.columns; p++)
        out[p] = out[p]! + (w0 * r0[p]! + w1 * r1[p]! + w2 * r2[p]! + w3 * r3[p]!);
    }
    for (; k < used.length; k++) {
      const weight = lambda[used[k]!]!;
      const row = this.rowList[used[k]!]!;
      for (let p = 0; p < this.columns; p++) out[p] = out[p]! + weight * row[p]!;
    }
    return out;
  }

  private cacheFor(metric: Float64Array | undefined): GramCache {
    const m = this.rowList.length;
    let cache = this.gramCache;
    if (cache === undefined || cache.metric !== metric) {
      const capacity = Math.max(16, m);
      cache = {
        metric,
        capacity,
        values: new Float64Array(capacity * capacity),
        known: new Uint8Array(capacity * capacity),
        complete: 0,
      };
      this.gramCache = cache;
    }
    if (cache.capacity < m) {
      const capacity = Math.max(m, 2 * cache.capacity);
      const values = new Float64Array(capacity * capacity);
      const known = new Uint8Array(capacity * capacity);
      for (let i = 0; i < cache.capacity; i++) {
        values.set(
          cache.values.subarray(i * cache.capacity, (i + 1) * cache.capacity),
          i * capacity,
        );
        known.set(cache.known.subarray(i * cache.capacity, (i + 1) * cache.capacity), i * capacity);
      }
      Object.assign(cache, { capacity, values, known });
    }
    return cache;
  }

  /** Computes the missing entries among `indices`: two rows against four at a time. */
  private fill(cache: GramCache, indices: readonly number[]): void {
    const c = cache.capacity;
    const needs = (i: number) => indices.filter((j) => !cache.known[i * c + j]);
    const pending = indices.filter((i) => needs(i).length > 0);
    if (pending.length === 0) return;
    const weights = cache.metric === undefined ? undefined : reciprocal(cache.metric);
    const left = (i: number) =>
      weights === undefined ? this.rowList[i]! : scaled(this.rowList[i]!, weights);
    const sums = new Float64Array(8);
    const store = (i: number, j: number, value: number) => {
      cache.values[i * c + j] = cache.values[j * c + i] = value;
      cache.known[i * c + j] = cache.known[j * c + i] = 1;
    };
    for (let a = 0; a < pending.length; a += 2) {
      const i0 = pending[a]!;
      const i1 = pending[Math.min(a + 1, pending.length - 1)]!;
      // Columns either row still needs (a pair computed for both rows costs nothing extra).
      const columns = [...new Set([...needs(i0), ...needs(i1)])];
      if (columns.length === 0) continue;
      const x0 = left(i0);
      const x1 = i1 === i0 ? x0 : left(i1);
      for (let b = 0; b < columns.length; b += 4) {
        const js = [0, 1, 2, 3].map((t) => columns[Math.min(b + t, columns.length - 1)]!);
        const rows = js.map((j) => this.rowList[j]!);
        dot2x4(x0, x1, rows[0]!, rows[1]!, rows[2]!, rows[3]!, sums);
        for (let t = 0; t < 4 && b + t < columns.length; t++) {
          store(i0, js[t]!, sums[t]!);
          if (i1 !== i0) store(i1, js[t]!, sums[4 + t]!);
        }
      }
    }
    this.advanceComplete(cache);
  }

  private advanceComplete(cache: GramCache): void {
    const c = cache.capacity;
    const m = Math.min(this.rowList.length, c);
    for (;;) {
      const i = cache.complete;
      if (i >= m) return;
      for (let j = 0; j <= i; j++) if (!cache.known[i * c + j]) return;
      cache.complete = i + 1;
    }
  }
}

function reciprocal(metric: Float64Array): Float64Array {
  const out = new Float64Array(metric.length);
  for (let p = 0; p < metric.length; p++) {
    if (!(metric[p]! > 0)) throw new Error(`metric must be positive, entry ${p} is ${metric[p]}`);
    out[p] = 1 / metric[p]!;
  }
  return out;
}

function scaled(row: Float32Array, weights: Float64Array): Float64Array {
  const out = new Float64Array(row.length);
  for (let p = 0; p < row.length; p++) out[p] = row[p]! * weights[p]!;
  return out;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s0 = 0;
  let s1 = 0;
  const n = a.length;
  let p = 0;
  for (; p + 1 < n; p += 2) {
    s0 += a[p]! * b[p]!;
    s1 += a[p + 1]! * b[p + 1]!;
  }
  if (p < n) s0 += a[p]! * b[p]!;
  return s0 + s1;
}

function dot4(
  x: Float64Array,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  d: Float32Array,
  out: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let p = 0; p < x.length; p++) {
    const v = x[p]!;
    s0 += v * a[p]!;
    s1 += v * b[p]!;
    s2 += v * c[p]!;
    s3 += v * d[p]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

function dot2x4(
  x0: ArrayLike<number>,
  x1: ArrayLike<number>,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  d: Float32Array,
  out: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let p = 0; p < a.length; p++) {
    const u = x0[p]!;
    const v = x1[p]!;
    const ap = a[p]!;
    const bp = b[p]!;
    const cp = c[p]!;
    const dp = d[p]!;
    s0 += u * ap;
    s1 += u * bp;
    s2 += u * cp;
    s3 += u * dp;
    t0 += v * ap;
    t1 += v * bp;
    t2 += v * cp;
    t3 += v * dp;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
  out[4] = t0;
  out[5] = t1;
  out[6] = t2;
  out[7] = t3;
}
