import { Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { GrowingCholesky } from './cholesky.js';
import { CutMatrix } from './cut-matrix.js';

function residual(
  gram: Float64Array,
  size: number,
  members: number[],
  y: Float64Array,
  b: Float64Array,
): number {
  let worst = 0;
  members.forEach((i, a) => {
    let sum = -b[a]!;
    members.forEach((j, c) => (sum += gram[i * size + j]! * y[c]!));
    worst = Math.max(worst, Math.abs(sum));
  });
  return worst;
}

describe('GrowingCholesky', () => {
  it('solves G_FF y = b after appends and removals (Givens downdate)', () => {
    const random = new Random(21);
    const size = 9;
    const cuts = new CutMatrix(
      20,
      Array.from({ length: size }, () => random.normalArray(20)),
    );
    const gram = cuts.gram();
    const factor = new GrowingCholesky(gram, size);
    for (let i = 0; i < size; i++) expect(factor.tryAppend(i)).toBeNull();
    for (const position of [3, 0, 5, 2]) {
      factor.removeAt(position);
      const b = random.normalArray(factor.length);
      const y = factor.solve(Float64Array.from(b));
      expect(residual(gram, size, factor.members, y, Float64Array.from(b))).toBeLessThan(1e-10);
    }
    expect(factor.tryAppend(3)).toBeNull();
    const b = Float64Array.from(random.normalArray(factor.length));
    expect(residual(gram, size, factor.members, factor.solve(b), b)).toBeLessThan(1e-10);
  });

  it('refuses a row that is a combination of the members and returns the combination', () => {
    const a = Float32Array.from([1, 0, 2, -1]);
    const b = Float32Array.from([0, 1, 1, 1]);
    const cuts = new CutMatrix(4, [a, b, a.map((v, p) => 2 * v - 3 * b[p]!)]);
    const factor = new GrowingCholesky(cuts.gram(), 3);
    expect(factor.tryAppend(0)).toBeNull();
    expect(factor.tryAppend(1)).toBeNull();
    const combination = factor.tryAppend(2)!;
    expect(combination[0]).toBeCloseTo(2, 12);
    expect(combination[1]).toBeCloseTo(-3, 12);
    expect(factor.length).toBe(2);
  });

  it('computes the Gram matrix incrementally, with and without a metric', () => {
    const random = new Random(22);
    const rows = Array.from({ length: 7 }, () => random.normalArray(13));
    const cuts = new CutMatrix(13, rows.slice(0, 3));
    cuts.gram();
    rows.slice(3).forEach((r) => cuts.append(r));
    const metric = Float64Array.from({ length: 13 }, (_, p) => 1 + p);
    const plain = cuts.gram();
    const weighted = cuts.gram(metric);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        let dot = 0;
        let weightedDot = 0;
        for (let p = 0; p < 13; p++) {
          dot += rows[i]![p]! * rows[j]![p]!;
          weightedDot += (rows[i]![p]! * rows[j]![p]!) / metric[p]!;
        }
        expect(plain[i * 7 + j]).toBeCloseTo(dot, 10);
        expect(weighted[i * 7 + j]).toBeCloseTo(weightedDot, 10);
      }
    }
    const picked = cuts.select([5, 1]).gram(metric);
    expect(picked[1]).toBeCloseTo(weighted[5 * 7 + 1]!, 12);
  });

  it('computes any subset of Gram entries once and reuses them (gramOf, select, squared norms)', () => {
    const random = new Random(23);
    const n = 17;
    const rows = Array.from({ length: 9 }, () => random.normalArray(n));
    const metric = Float64Array.from({ length: n }, (_, p) => 0.5 + (p % 3));
    const direct = (i: number, j: number, weighted: boolean) => {
      let sum = 0;
      for (let p = 0; p < n; p++)
        sum += (rows[i]![p]! * rows[j]![p]!) / (weighted ? metric[p]! : 1);
      return sum;
    };
    for (const weighted of [false, true]) {
      const m = weighted ? metric : undefined;
      const cuts = new CutMatrix(n, rows.slice(0, 5));
      const subset = [4, 0, 2];
      expect(cuts.missingGramEntries(subset, m)).toBe(9);
      const sub = cuts.gramOf(subset, m);
      subset.forEach((i, a) =>
        subset.forEach((j, b) => expect(sub[a * 3 + b]).toBeCloseTo(direct(i, j, weighted), 12)),
      );
      expect(cuts.missingGramEntries(subset, m)).toBe(0);
      // Rows 0..4 minus the cached 3×3 block: 25 − 9 entries are missing.
      expect(cuts.missingGramEntries([0, 1, 2, 3, 4], m)).toBe(16);
      expect(cuts.cachedGramSize(m)).toBe(1);
      rows.slice(5).forEach((r) => cuts.append(r));
      const all = cuts.gram(m);
      for (let i = 0; i < 9; i++)
        for (let j = 0; j < 9; j++) expect(all[i * 9 + j]).toBeCloseTo(direct(i, j, weighted), 12);
      expect(cuts.cachedGramSize(m)).toBe(9);
      expect(cuts.missingGramEntries([8, 3], m)).toBe(0);
      // Another metric has its own cache.
      expect(cuts.missingGramEntries([8, 3], weighted ? undefined : metric)).toBe(4);
      const norms = cuts.squaredNorms(m);
      norms.forEach((v, i) => expect(v).toBeCloseTo(direct(i, i, weighted), 12));
      const picked = cuts.select([7, 2, 5]);
      expect(picked.missingGramEntries([0, 1, 2], m)).toBe(0);
      expect(picked.gramOf([2, 0], m)[1]).toBeCloseTo(direct(5, 7, weighted), 12);
    }
  });

  it('computes A x and Aᵀλ in blocks equal to the row-by-row products', () => {
    const random = new Random(24);
    const n = 23;
    for (const m of [1, 4, 7]) {
      const rows = Array.from({ length: m }, () => random.normalArray(n));
      const cuts = new CutMatrix(n, rows);
      const x = Float64Array.from(random.normalArray(n));
      const lambda = Float64Array.from({ length: m }, (_, i) => (i % 3 === 1 ? 0 : random.next()));
      const ax = cuts.times(x);
      const atl = cuts.transposeTimes(lambda);
      rows.forEach((row, i) => {
        let sum = 0;
        for (let p = 0; p < n; p++) sum += row[p]! * x[p]!;
        expect(ax[i]).toBeCloseTo(sum, 12);
      });
      for (let p = 0; p < n; p++) {
        let sum = 0;
        rows.forEach((row, i) => (sum += lambda[i]! * row[p]!));
        expect(atl[p]).toBeCloseTo(sum, 12);
      }
    }
  });
});
