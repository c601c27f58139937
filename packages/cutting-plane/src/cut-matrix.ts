/**
 * The stacked cut rows A (m × n): float32 gradient rows, kept as separate arrays so cuts can
 * be appended and dropped without copying, with an incrementally grown Float64 Gram matrix
 * A D⁻¹ Aᵀ (only products with new rows are computed).
 */
export class CutMatrix {
  private readonly rowList: Float32Array[] = [];
  private gramCache:
    { metric: Float64Array | undefined; size: number; values: Float64Array } | undefined;

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

  /** A new matrix of the rows at `indices` (shared, not copied), keeping their Gram entries. */
  select(indices: readonly number[]): CutMatrix {
    const selected = new CutMatrix(
      this.columns,
      indices.map((i) => this.rowList[i]!),
    );
    const cache = this.gramCache;
    if (cache !== undefined && indices.every((i) => i < cache.size)) {
      const k = indices.length;
      const values = new Float64Array(k * k);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < k; b++)
          values[a * k + b] = cache.values[indices[a]! * cache.size + indices[b]!]!;
      }
      selected.gramCache = { metric: cache.metric, size: k, values };
    }
    return selected;
  }

  /** How many leading rows already have Gram entries cached for this metric. */
  cachedGramSize(metric?: Float64Array): number {
    return this.gramCache !== undefined && this.gramCache.metric === metric
      ? this.gramCache.size
      : 0;
  }

  /** G = A D⁻¹ Aᵀ (row-major m × m, Float64 accumulation); D is the identity when absent. */
  gram(metric?: Float64Array): Float64Array {
    const m = this.rowList.length;
    let cache = this.gramCache;
    if (cache === undefined || cache.metric !== metric)
      cache = { metric, size: 0, values: new Float64Array(0) };
    if (cache.size === m) return cache.values;
    const values = new Float64Array(m * m);
    for (let i = 0; i < cache.size; i++) {
      for (let j = 0; j < cache.size; j++) values[i * m + j] = cache.values[i * cache.size + j]!;
    }
    const weights = metric === undefined ? undefined : reciprocal(metric);
    const left = (i: number) =>
      weights === undefined ? this.rowList[i]! : scaled(this.rowList[i]!, weights);
    const sums = new Float64Array(8);
    // Two new rows against four earlier rows at a time: each load feeds several products.
    for (let i = cache.size; i < m; i += 2) {
      const i1 = Math.min(i + 1, m - 1);
      const a0 = left(i);
      const a1 = i1 === i ? a0 : left(i1);
      for (let j = 0; j <= i1; j += 4) {
        const rows = this.rowList;
        dot2x4(
          a0,
          a1,
          rows[j]!,
          rows[Math.min(j + 1, i1)]!,
          rows[Math.min(j + 2, i1)]!,
          rows[Math.min(j + 3, i1)]!,
          sums,
        );
        for (let c = 0; c < 4; c++) {
          const col = j + c;
          if (col <= i) values[i * m + col] = values[col * m + i] = sums[c]!;
          if (i1 !== i && col <= i1) values[i1 * m + col] = values[col * m + i1] = sums[4 + c]!;
        }
      }
    }
    this.gramCache = { metric, size: m, values };
    return values;
  }

  /** A x (length m), Float64. */
  times(x: Float64Array): Float64Array {
    const out = new Float64Array(this.rowList.length);
    for (let i = 0; i < this.rowList.length; i++) out[i] = dot(this.rowList[i]!, x);
    return out;
  }

  /** Aᵀ λ (length n), Float64. */
  transposeTimes(lambda: Float64Array): Float64Array {
    const out = new Float64Array(this.columns);
    for (let i = 0; i < this.rowList.length; i++) {
      const weight = lambda[i]!;
      if (weight === 0) continue;
      const row = this.rowList[i]!;
      for (let p = 0; p < this.columns; p++) out[p] = out[p]! + weight * row[p]!;
    }
    return out;
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
