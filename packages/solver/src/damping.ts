/**
 * The proximal weight M_k of the hidden update z_k ← argmin γ_k E_k + γ_{k+1}·(majorizer of
 * E_{k+1} with curvature M_k):
 * - 'majorize' (default): M_k = margin·κ_{k+1}·σ̂²_{k+1} ≥ the true curvature when σ̂ is
 *   accurate, so no sweep increases Ψ (κ is the potential's `preActivationCurvature`);
 * - 'authors': M_k = max(0, (σ̂² − 1)/2), the damping of the authors' code (not monotone in general);
 * - 'none': M_k = 0, the undamped update (T = 5 in the authors' code);
 * - an array: M_k given per hidden layer (k = 1..L−1).
 */
export type Damping = 'majorize' | 'authors' | 'none' | readonly number[];

/** M_k for k = 1..L−1 from σ̂ of maps 2..L (`sigmas[k]` is the estimate for map k + 1). */
export function proximalWeights(damping: Damping, sigmas: readonly number[], curvatures: readonly number[], margin: number): number[] {
  const hidden = sigmas.length;
  if (Array.isArray(damping)) {
    if (damping.length !== hidden || damping.some((m) => !(m >= 0) || !Number.isFinite(m))) {
      throw new Error(`damping needs ${hidden} finite values ≥ 0 (one per hidden layer), got [${damping.join(', ')}]`);
    }
    return [...damping];
  }
  return sigmas.map((sigma, i) => {
    if (damping === 'majorize') return margin * curvatures[i]! * sigma * sigma;
    if (damping === 'authors') return Math.max(0, (sigma * sigma - 1) / 2);
    if (damping === 'none') return 0;
    throw new Error(`unknown damping '${String(damping)}'; use 'majorize', 'authors', 'none' or numbers`);
  });
}
