/** A configuration whose inner problem is unbounded or ill-posed (e.g. γ_L + c⁺ − c⁻ ≤ 0). */
export class UnstableSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnstableSettingsError';
  }
}

/** Activities (or their energies) became non-finite (NaN or ±∞) during a solve. */
export class SolverDivergenceError extends Error {
  constructor(
    /** The layer k (1..L) whose activities were non-finite first in that round's update order. */
    readonly layer: number,
    /** The round (0 = initialization). */
    readonly round: number,
  ) {
    super(
      `activity solver diverged: layer ${layer} has non-finite activities or energy ${round === 0 ? 'at initialization' : `after round ${round}`}` +
        ' (check the input, the weight scale and the damping; undamped sweeps can blow up with ‖W‖₂ > 1)',
    );
    this.name = 'SolverDivergenceError';
  }
}
