/** Reference math in float64 JavaScript, independent of tfjs, for test oracles. */

export function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, v, i) => s + v * b[i]!, 0);
}

/** The built-in norms by name; any other name is a test bug. */
export function lpNorm(v: readonly number[], norm: string): number {
  if (norm !== 'linf' && norm !== 'l2' && norm !== 'l1') throw new Error(`no oracle for norm '${norm}'`);
  if (norm === 'linf') return v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  if (norm === 'l2') return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.reduce((s, x) => s + Math.abs(x), 0);
}

/** The dual norm: the largest ⟨w, δ⟩ over ‖δ‖ ≤ 1. */
export function dualNorm(w: readonly number[], norm: string): number {
  return lpNorm(w, norm === 'linf' ? 'l1' : norm === 'l1' ? 'linf' : 'l2');
}

/** Euclidean projection onto the L1 ball by bisection on the threshold (independent of sorting). */
export function projectL1Bisection(v: readonly number[], epsilon: number): number[] {
  if (lpNorm(v, 'l1') <= epsilon) return [...v];
  let low = 0;
  let high = lpNorm(v, 'linf');
  for (let i = 0; i < 200; i++) {
    const theta = (low + high) / 2;
    const mass = v.reduce((s, x) => s + Math.max(Math.abs(x) - theta, 0), 0);
    if (mass > epsilon) low = theta;
    else high = theta;
  }
  const theta = (low + high) / 2;
  return v.map((x) => Math.sign(x) * Math.max(Math.abs(x) - theta, 0));
}

/** Rows of a flat array. */
export function rows(values: ArrayLike<number>, width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < values.length; i += width) out.push(Array.from(values).slice(i, i + width));
  return out;
}
