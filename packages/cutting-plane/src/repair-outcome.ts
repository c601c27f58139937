import type { Candidate } from './candidate-pool.js';
import type { IterationTrace, StopReason } from './repair.js';

/**
 * Why examples of X_adv are still violated at the chosen point (or 'feasible' when none is):
 * - 'selection': some candidate met every margin, but the selection rule chose another;
 * - 'infeasible-cuts': no candidate did, and the hard cut set was infeasible at some iteration
 *   (the soft-cut QP traded the margins against the penalty) before the cap or a stall;
 * - 'max-iterations', 'stalled', 'solver-failed', 'interrupted': no candidate did, and the loop
 *   stopped for that reason.
 */
export type RepairOutcomeReason =
  | 'feasible'
  | 'selection'
  | 'infeasible-cuts'
  | 'max-iterations'
  | 'stalled'
  | 'solver-failed'
  | 'interrupted';

export interface RepairOutcome {
  /** |X_adv|. */
  examples: number;
  /** Examples violating the margin at w̄. */
  violatedBefore: number;
  /** Examples meeting the margin at the chosen point. */
  satisfied: number;
  /** Examples violating the margin at the chosen point. */
  violated: number;
  reason: RepairOutcomeReason;
  /** The first iteration whose candidate met every margin, if any did. */
  feasibleIteration: number | undefined;
  /** One sentence saying the above. */
  explanation: string;
}

export interface OutcomeInputs {
  /** |X_adv|. */
  examples: number;
  pool: readonly Candidate[];
  chosen: Candidate;
  trace: readonly IterationTrace[];
  stopReason: StopReason;
  select: 'score' | 'feasible-first';
  /** (1 + ε_L)·L(w̄), when the clean-loss constraint is on. */
  cleanLossBound?: number;
}

/** The outcome of a finished repair, from its pool, trace and stop reason. */
export function repairOutcome({ examples, pool, chosen, trace, stopReason, select, cleanLossBound }: OutcomeInputs): RepairOutcome {
  const original = pool[0]!;
  const violated = chosen.violatedCount;
  const feasibleIteration = pool.find((c) => c.violatedCount === 0)?.iteration;
  const softIterations = trace.filter((t) => t.soft).length;
  const reason: RepairOutcomeReason =
    violated === 0
      ? 'feasible'
      : feasibleIteration !== undefined
        ? 'selection'
        : (stopReason === 'max-iterations' || stopReason === 'stalled') && softIterations > 0
          ? 'infeasible-cuts'
          : stopReason === 'feasible'
            ? 'selection' // unreachable: a feasible stop puts a feasible candidate in the pool
            : stopReason;
  const of = `${violated} of ${examples} adversarial examples`;
  const lastViolated = pool[pool.length - 1]!.violatedCount;
  const explanation = {
    feasible: `every adversarial example (${examples} of ${examples}) meets the margin at the chosen candidate (iteration ${chosen.iteration}).`,
    selection: `${of} still violate the margin because ${select === 'score' ? 'the ω score' : 'selection'} chose iteration ${chosen.iteration} over iteration ${feasibleIteration}, which met every margin (select 'feasible-first' takes it).`,
    'infeasible-cuts': `${of} still violate the margin: the cut set was infeasible at ${softIterations} of ${trace.length} iterations (the soft-cut QP traded margins for the penalty) and no iterate met every margin.`,
    'max-iterations': `${of} still violate the margin: no iterate met every margin within the ${trace.length} iterations allowed (the last left ${lastViolated} violated; more iterations or an overshoot may close it).`,
    stalled: `${of} still violate the margin: the iterates stopped moving after ${trace.length} iterations without meeting every margin.`,
    'solver-failed': `${of} still violate the margin: the QP solver failed at iteration ${trace.length - 1} (${trace[trace.length - 1]?.qpStatus ?? 'unknown'}) before any iterate met every margin.`,
    interrupted: `${of} still violate the margin: the run was interrupted after ${trace.length} iterations, before any iterate met every margin.`,
  }[reason];
  // Margins are what the outcome counts; a clean loss over its bound is said, not hidden.
  const overBound =
    cleanLossBound !== undefined && chosen.cleanLoss !== undefined && chosen.cleanLoss > cleanLossBound
      ? ` The chosen point's clean loss ${chosen.cleanLoss.toPrecision(4)} is above its bound ${cleanLossBound.toPrecision(4)}.`
      : '';
  return {
    examples,
    violatedBefore: original.violatedCount,
    satisfied: examples - violated,
    violated,
    reason,
    feasibleIteration,
    explanation: explanation.charAt(0).toUpperCase() + explanation.slice(1) + overBound,
  };
}
