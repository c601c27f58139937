import type { Random } from '@liftguard/tensor';

/** Scales v to unit L2 norm in place (a zero vector stays zero). */
function normalizeInPlace(v: Float64Array): void {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
}

/** Scales v to unit L1 norm in place (a zero vector stays zero). */
function normalizeL1InPlace(v: Float64Array): void {
  const norm = v.reduce((s, x) => s + Math.abs(x), 0);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
}

/**
 * Concentric rectangles with weights 1/(k+1)^power around the centre of a rows × columns block,
 * normalized in L2 (power 2, Square L2) or L1 (power 4, Square L1).
 */
function rectangles(rows: number, columns: number, norm: 'l2' | 'l1' = 'l2'): Float64Array {
  const out = new Float64Array(rows * columns);
  const centreRow = Math.floor(rows / 2);
  const centreColumn = Math.floor(columns / 2);
  let top = centreRow;
  let left = centreColumn;
  for (let k = 0; k < Math.max(centreRow + 1, centreColumn + 1); k++) {
    for (let r = Math.max(top, 0); r < Math.min(top + 2 * k + 1, rows); r++)
      for (let c = Math.max(left, 0); c < Math.min(left + 2 * k + 1, columns); c++)
        out[r * columns + c] = out[r * columns + c]! + 1 / (k + 1) ** (norm === 'l2' ? 2 : 4);
    top--;
    left--;
  }
  if (norm === 'l2') normalizeInPlace(out);
  else normalizeL1InPlace(out);
  return out;
}

/**
 * Square's "meta pseudo-Gaussian" s×s perturbation (Andriushchenko et al. 2020, reference code's
 * eta): two opposite-signed halves of concentric rectangles, unit L2 norm (L1: weights
 * 1/(k+1)⁴ and unit L1 norm, as the reference's L1 version), transposed with probability ½.
 * Row-major s·s values.
 */
export function pseudoGaussianSquare(side: number, random: Random, norm: 'l2' | 'l1' = 'l2'): Float64Array {
  const topRows = Math.floor(side / 2);
  const top = rectangles(topRows, side, norm);
  const bottom = rectangles(side - topRows, side, norm);
  const out = new Float64Array(side * side);
  out.set(top, 0);
  for (let i = 0; i < bottom.length; i++) out[top.length + i] = -bottom[i]!;
  if (norm === 'l2') normalizeInPlace(out);
  else normalizeL1InPlace(out);
  if (random.next() > 0.5) {
    const transposed = new Float64Array(side * side);
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) transposed[c * side + r] = out[r * side + c]!;
    return transposed;
  }
  return out;
}
