/** A point the method visited (w̄ is candidate 0), with what selection looks at. */
export interface Candidate {
  /** Position in the pool. */
  index: number;
  /** Iterate number: 0 is the original parameters w̄, k is the solution of the k-th QP. */
  iteration: number;
  /** V: mean hinge violation (1/N) Σ max(0, max_{j≠y} z_j − z_y + δ) on the adversarial set. */
  violation: number;
  /** Number of adversarial examples whose margin constraint does not hold. */
  violatedCount: number;
  /** E: classification error on the validation subset. */
  cleanError: number;
  /** Mean cross-entropy on the clean subset (when the clean-loss constraint is on). */
  cleanLoss: number | undefined;
  /** ‖w − w̄‖₂ over the moving parameters. */
  changeNorm: number;
  /** The moving parameters, flattened in selection order. */
  parameters: Float32Array;
}

/** Candidates that no other candidate beats on both V and E (ties count as not beaten), by V. */
export function paretoFront<T extends Pick<Candidate, 'violation' | 'cleanError'>>(
  pool: readonly T[],
): T[] {
  const front = pool.filter(
    (c) =>
      !pool.some(
        (o) =>
          o !== c &&
          o.violation <= c.violation &&
          o.cleanError <= c.cleanError &&
          (o.violation < c.violation || o.cleanError < c.cleanError),
      ),
  );
  return front.sort((a, b) => a.violation - b.violation || a.cleanError - b.cleanError);
}

/**
 * Selection scores ω·Ṽ + (1−ω)·Ẽ with V and E min–max normalized over the pool (a constant
 * term normalizes to 0).
 */
export function selectionScores(
  pool: readonly Pick<Candidate, 'violation' | 'cleanError'>[],
  omega: number,
): Float64Array {
  if (!(omega >= 0 && omega <= 1)) throw new Error(`omega must be in [0, 1], got ${omega}`);
  const normalize = (values: number[]) => {
    const low = Math.min(...values);
    const range = Math.max(...values) - low;
    return values.map((v) => (range > 0 ? (v - low) / range : 0));
  };
  const v = normalize(pool.map((c) => c.violation));
  const e = normalize(pool.map((c) => c.cleanError));
  return Float64Array.from(pool, (_, i) => omega * v[i]! + (1 - omega) * e[i]!);
}

/** Index of the lowest score; ties go to the smaller parameter change, then the earlier candidate. */
export function selectCandidate(pool: readonly Candidate[], omega: number): number {
  const scores = selectionScores(pool, omega);
  let best = 0;
  for (let i = 1; i < pool.length; i++) {
    const better =
      scores[i]! < scores[best]! ||
      (scores[i] === scores[best] && pool[i]!.changeNorm < pool[best]!.changeNorm);
    if (better) best = i;
  }
  return best;
}

/**
 * Index of the candidate repair returns. 'score': `selectCandidate` over the pool (the paper's
 * rule). 'feasible-first': the same among the candidates that meet every constraint (margins and
 * clean loss ≤ `lossBound`) if any do, else among those that meet every margin, else the pool.
 */
export function chooseCandidate(
  pool: readonly Candidate[],
  omega: number,
  select: 'score' | 'feasible-first',
  lossBound = Infinity,
): number {
  const margins = pool.filter((c) => c.violatedCount === 0);
  const all = margins.filter((c) => c.cleanLoss === undefined || c.cleanLoss <= lossBound);
  const among = select === 'score' ? pool : [all, margins, pool].find((tier) => tier.length > 0)!;
  return among[selectCandidate(among, omega)]!.index;
}
