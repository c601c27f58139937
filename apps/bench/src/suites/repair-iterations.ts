// The M a repair runs, apart from the M values selected from its pool (no tensor imports: the report uses it).

/** Iterations the repair runs: `repairIterations`, or the largest M (entries from before the option). */
export function repairIterationsOf(config: { iterations: number[]; repairIterations?: number }): number {
  return config.repairIterations ?? Math.max(...config.iterations);
}
