/** One round of the solver: round 0 is the initialization. */
export interface RoundTrace {
  round: number;
  /** Ψ(z) averaged over the batch after this round (null with `trace: 'changes'`). */
  psi: number | null;
  /** E_k averaged over the batch, per layer k = 1..L, unweighted (empty with `trace: 'changes'`). */
  energies: number[];
  /** max |z_k(after) − z_k(before)| over the batch, per layer k = 1..L (0 in round 0). */
  maxChange: number[];
  /** Wall-clock time of the round, its trace read included, in milliseconds (0 for round 0). */
  elapsedMs: number;
  /** Ψ did not increase in this round (up to float32 rounding, 1e-5·max(1, |Ψ|)); true in round 0, null without Ψ. */
  decreased: boolean | null;
}

/** How a solve went: convergence is a result, not a log line. */
export interface SolveTrace {
  rounds: RoundTrace[];
  /** Rounds run (rounds.length − 1). */
  roundsRun: number;
  /** With a tolerance: whether max |Δz| reached it; without one: null. */
  converged: boolean | null;
  /** Ψ never increased over the solve (null without Ψ). */
  monotone: boolean | null;
  /** σ̂ of maps 2..L used for damping (index 0 is map 2). */
  spectralNorms: number[];
  /** Proximal weights M_k of the hidden updates (k = 1..L−1). */
  proximalWeights: number[];
}
