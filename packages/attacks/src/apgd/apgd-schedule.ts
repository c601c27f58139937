/**
 * APGD's checkpoints (Croce & Hein 2020, §3.2): the first after ⌊0.22·N⌋ steps, then intervals
 * shrinking by ⌊0.03·N⌋ down to ⌊0.06·N⌋ (each at least 1), as in the reference code.
 */
export interface CheckpointSchedule {
  first: number;
  decrease: number;
  minimum: number;
}

export function checkpointSchedule(steps: number): CheckpointSchedule {
  return {
    first: Math.max(Math.floor(0.22 * steps), 1),
    decrease: Math.max(Math.floor(0.03 * steps), 1),
    minimum: Math.max(Math.floor(0.06 * steps), 1),
  };
}

/** The interval after one of length `current`. */
export function nextInterval(schedule: CheckpointSchedule, current: number): number {
  return Math.max(current - schedule.decrease, schedule.minimum);
}

/** The step indices (1-based counts of steps done) at which APGD checks its progress. */
export function checkpoints(steps: number): number[] {
  const schedule = checkpointSchedule(steps);
  const out: number[] = [];
  for (let at = schedule.first, k = schedule.first; at <= steps;) {
    out.push(at);
    k = nextInterval(schedule, k);
    at += k;
  }
  return out;
}

/**
 * Condition 1 of the paper: over the last `window` steps the loss went up in at most
 * ρ·window of them. `losses[t]` is the loss after step t; `initialLoss` is the loss at the
 * start point (the paper's f(x⁽⁰⁾)), compared with the first step's.
 */
export function oscillates(
  losses: readonly number[],
  initialLoss: number,
  last: number,
  window: number,
  rho: number,
): boolean {
  let increases = 0;
  for (let t = last - window + 1; t <= last; t++) {
    const before = t === 0 ? initialLoss : losses[t - 1]!;
    if (losses[t]! > before) increases++;
  }
  return increases <= window * rho;
}
