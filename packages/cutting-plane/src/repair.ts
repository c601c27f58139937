import type { Classifier } from '@liftguard/tensor';
import { chooseCandidate, paretoFront, type Candidate } from './candidate-pool.js';
import { repairOutcome, type RepairOutcome } from './repair-outcome.js';
import { cleanLossGradient, meanCrossEntropy } from './clean-loss.js';
import { CutMatrix } from './cut-matrix.js';
import { DualQpSolver } from './dual-qp-solver.js';
import { marginGradientRows } from './gradient-rows.js';
import {
  classificationError,
  predictLogits,
  type LabeledSet,
} from './labeled-set.js';
import {
  exampleViolations,
  marginConstraints,
  type ConstraintForm,
  type MarginConstraint,
} from './margin-constraints.js';
import {
  parameterCount,
  readParameters,
  selectParameters,
  writeParameters,
  type ParameterSelection,
} from './parameters.js';
import type { ChangeObjective, KktResiduals, QpSolver, QpStatus } from './qp-problem.js';

export interface CleanLossConstraint {
  /** ε_L in L(w) ≤ (1 + ε_L)·L(w̄). Default 0.05. */
  tolerance?: number;
  /** Add the clean-loss cut only when the constraint is violated (default), or at every iterate. */
  cut?: 'violated' | 'always';
}

export interface RepairOptions {
  classifier: Classifier;
  /** Parameters that move. Default 'all'. */
  parameters?: ParameterSelection;
  /** X_adv with true labels: the examples to classify correctly with margin δ. */
  adversarial: LabeledSet;
  /** Clean subset for the loss constraint (required unless `cleanLoss` is false). */
  clean?: LabeledSet;
  /** Validation subset for E (clean error) in selection. */
  validation: LabeledSet;
  /** Constraint form. Default 'max'. */
  form?: ConstraintForm;
  /** Margin δ. Default 0.1. */
  margin?: number;
  /** Linearized clean-loss constraint; false turns it off. Default { tolerance: 0.05 }. */
  cleanLoss?: CleanLossConstraint | false;
  /** M, the number of QP iterations. Default 20. */
  maxIterations?: number;
  /** A constraint gets a cut at an iterate when g > −cutThreshold. Default 0: every g > 0, also those within `feasibilityTolerance` (counted as satisfied). */
  cutThreshold?: number;
  /** Drop accumulated cuts whose linear model holds at the current iterate with more than `slack`. Default off. */
  dropSatisfiedCuts?: { slack: number } | false;
  /** Penalty ρ for the soft-cut retry when the QP is infeasible; Infinity disables it. Default 1000. */
  softPenalty?: number;
  /** ω in the selection score ω·Ṽ + (1−ω)·Ẽ. Default 0.4. */
  omega?: number;
  /**
   * 'score': argmin of ω·Ṽ + (1−ω)·Ẽ over the whole pool (the paper's rule). 'feasible-first': the
   * same score among the candidates that meet every constraint (margins and clean loss) if any do,
   * else among those that meet every margin, else over the pool. Default 'feasible-first'.
   */
  select?: 'score' | 'feasible-first';
  /**
   * Fraction of δ and of ε_L by which the cuts aim inside the feasible set: a cut asks
   * g ≤ −overshoot·δ and L ≤ (1 + (1 − overshoot)·ε_L)·L(w̄). Cutting planes approach the feasible
   * set from outside, so with 0 the iterates end on its boundary, violated by ~1e-4 (the paper's
   * rule). Default 0.5.
   */
  overshoot?: number;
  /** Cut solver. Default the built-in `DualQpSolver`. */
  solver?: QpSolver;
  /** Norm of w − w̄ to minimize ('l1' and 'linf' need an LP solver such as @liftguard/lp-glpk). Default 'l2'. */
  objective?: ChangeObjective;
  /** Diagonal metric D for the 'l2' objective, one entry per moving parameter. */
  metric?: Float64Array;
  /** A margin constraint counts as satisfied when g ≤ this (float32 logits). Default 1e-4. */
  feasibilityTolerance?: number;
  /** Forward-pass batch size for evaluation. Default 256. */
  batchSize?: number;
  /** What the classifier's variables hold on return. Default 'chosen'. */
  leave?: 'chosen' | 'original';
  /** Called after every iteration with its trace entry. */
  onIteration?: (trace: IterationTrace) => void;
  /** Checked before every iteration (after a yield to the event loop, so a Ctrl-C handler can run): when aborted, repair stops and chooses among the candidates so far. */
  signal?: AbortSignal;
}

export interface IterationTrace {
  /** k: the QP of this iteration produced candidate k + 1. */
  iteration: number;
  /** Margin constraints violated at wᵏ (beyond the feasibility tolerance). */
  violatedConstraints: number;
  /** Whether the clean-loss constraint was violated at wᵏ. */
  cleanLossViolated: boolean;
  cutsAdded: number;
  cutsDropped: number;
  /** Cuts in the QP of this iteration. */
  cuts: number;
  qpStatus: QpStatus;
  /** True when hard cuts were infeasible and the soft-cut QP was solved instead. */
  soft: boolean;
  kkt: KktResiduals | undefined;
  solverIterations: number;
  /** Objective of the QP (the norm term, plus ρ·Σ slack for soft cuts). */
  objective: number;
  /** ‖w^{k+1} − w̄‖₂. */
  changeNorm: number;
  /** Time computing gradient rows (margins and clean loss). */
  gradientMs: number;
  /** Time in the QP solver(s). */
  solveMs: number;
  /**
   * The solver's own split of `solveMs` in milliseconds, summed over the hard and soft solves
   * (DualQpSolver: gram, activeSet, products or recovery, kkt); empty when the solver reports none.
   */
  solvePhases: Record<string, number>;
  /** Time evaluating the new candidate (forward passes). */
  evaluateMs: number;
}

export type StopReason = 'feasible' | 'max-iterations' | 'stalled' | 'solver-failed' | 'interrupted';

export interface RepairResult {
  /** Names and shapes of the moving variables, in the order `parameters` is laid out. */
  variables: { name: string; shape: number[] }[];
  /** The chosen candidate's parameters (flat, float32). */
  parameters: Float32Array;
  chosen: Candidate;
  /** Every candidate, w̄ first. */
  pool: Candidate[];
  /** The pool's Pareto front in (violation, clean error), by violation. */
  paretoFront: Candidate[];
  trace: IterationTrace[];
  stopReason: StopReason;
  /** True when `signal` stopped the run before it finished (stopReason 'interrupted'). */
  stoppedEarly: boolean;
  /** L(w̄) on the clean subset (when the clean-loss constraint is on). */
  originalCleanLoss: number | undefined;
  /** How many examples of X_adv the chosen point leaves violated, and why. */
  outcome: RepairOutcome;
}

interface Iterate {
  parameters: Float32Array;
  constraints: MarginConstraint[];
  cleanLoss: number | undefined;
}

/**
 * Cutting-plane repair (Zhao & Kronqvist 2024, reconstructed): linearize the violated margin
 * constraints (and the clean-loss constraint) at each iterate, accumulate the cuts, solve
 * min ‖w − w̄‖ subject to all of them, and pick from the visited points by ω·Ṽ + (1−ω)·Ẽ.
 * The classifier's variables are changed while it runs; see `leave`.
 */
export async function repairClassifier(options: RepairOptions): Promise<RepairResult> {
  const { classifier, adversarial, validation } = options;
  const form = options.form ?? 'max';
  const margin = options.margin ?? 0.1;
  const maxIterations = options.maxIterations ?? 20;
  const cutThreshold = options.cutThreshold ?? 0;
  const softPenalty = options.softPenalty ?? 1000;
  const omega = options.omega ?? 0.4;
  const select = options.select ?? 'feasible-first';
  const overshoot = options.overshoot ?? 0.5;
  if (!(overshoot >= 0 && overshoot < 1)) throw new Error(`overshoot must be in [0, 1), got ${overshoot}`);
  const tolerance = options.feasibilityTolerance ?? 1e-4;
  const batchSize = options.batchSize ?? 256;
  const objective = options.objective ?? 'l2';
  const solver = options.solver ?? new DualQpSolver();
  if (!solver.objectives.includes(objective))
    throw new Error(`solver '${solver.name}' does not handle the '${objective}' objective`);
  const clean =
    options.cleanLoss === false
      ? undefined
      : { tolerance: 0.05, cut: 'violated' as const, ...options.cleanLoss };
  if (clean !== undefined && options.clean === undefined)
    throw new Error('the clean-loss constraint needs a `clean` subset (or cleanLoss: false)');
  const numClasses = classifier.numClasses;
  for (const [name, set] of [
    ['adversarial', adversarial],
    ['validation', validation],
    ['clean', options.clean],
  ] as const) {
    if (set !== undefined && set.labels.length !== set.x.shape[0])
      throw new Error(`${name} set has ${set.x.shape[0]} inputs but ${set.labels.length} labels`);
  }

  const variables = selectParameters(classifier, options.parameters);
  const n = parameterCount(variables);
  if (options.metric !== undefined && options.metric.length !== n)
    throw new Error(`metric has ${options.metric.length} entries for ${n} parameters`);
  const original = readParameters(variables);

  const lossAt = () =>
    clean === undefined
      ? undefined
      : meanCrossEntropy(classifier, options.clean!, batchSize);
  const originalCleanLoss = lossAt();
  const lossBound =
    originalCleanLoss === undefined ? Infinity : (1 + clean!.tolerance) * originalCleanLoss;
  // What the cuts aim for: inside the bounds by the overshoot.
  const cutLossBound =
    originalCleanLoss === undefined ? Infinity : (1 + (1 - overshoot) * clean!.tolerance) * originalCleanLoss;
  const cutMargin = overshoot * margin;

  const pool: Candidate[] = [];
  // Evaluates the parameters the variables hold now and adds them to the pool.
  const evaluate = (parameters: Float32Array, iteration: number): Iterate => {
    const logits = predictLogits(classifier, adversarial.x, batchSize);
    const violations = exampleViolations(logits, adversarial.labels, numClasses, margin);
    const cleanLoss = lossAt();
    let changeSquared = 0;
    for (let p = 0; p < n; p++) changeSquared += (parameters[p]! - original[p]!) ** 2;
    pool.push({
      index: pool.length,
      iteration,
      violation: violations.reduce((a, b) => a + b, 0) / Math.max(1, violations.length),
      violatedCount: violations.filter((v) => v > tolerance).length,
      cleanError: classificationError(
        predictLogits(classifier, validation.x, batchSize),
        validation.labels,
        numClasses,
      ),
      cleanLoss,
      changeNorm: Math.sqrt(changeSquared),
      parameters,
    });
    return {
      parameters,
      constraints: marginConstraints(logits, adversarial.labels, numClasses, margin, form),
      cleanLoss,
    };
  };

  try {
    let current = evaluate(original, 0);
    let cuts = new CutMatrix(n);
    let rhs: number[] = [];
    const trace: IterationTrace[] = [];
    let stopReason: StopReason = 'max-iterations';

    const isFeasible = (point: Iterate) =>
      point.constraints.every((c) => c.value <= tolerance) &&
      !(point.cleanLoss !== undefined && point.cleanLoss > lossBound);

    for (let k = 0; k < maxIterations; k++) {
      const violated = current.constraints.filter((c) => c.value > tolerance);
      const cleanViolated = current.cleanLoss !== undefined && current.cleanLoss > lossBound;
      if (isFeasible(current)) {
        stopReason = 'feasible';
        break;
      }
      // One iteration is a long synchronous stretch: let signal handlers run between iterations.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) {
        stopReason = 'interrupted';
        break;
      }
      // Displacement of the current iterate from w̄: cut right-hand sides are in d = w − w̄.
      const offset = new Float64Array(n);
      for (let p = 0; p < n; p++) offset[p] = current.parameters[p]! - original[p]!;

      const gradientStart = performance.now();
      const cutting = current.constraints.filter((c) => c.value + cutMargin > -cutThreshold);
      const newRows = marginGradientRows(classifier, variables, adversarial.x, cutting);
      const newRhs = cutting.map((c, i) => dot(newRows[i]!, offset) - c.value - cutMargin);
      const cleanCut = cleanViolated || (current.cleanLoss !== undefined && current.cleanLoss > cutLossBound);
      if (clean !== undefined && (cleanCut || clean.cut === 'always')) {
        const row = cleanLossGradient(classifier, variables, options.clean!);
        newRows.push(row);
        newRhs.push(dot(row, offset) - (current.cleanLoss! - cutLossBound));
      }
      const gradientMs = performance.now() - gradientStart;

      let cutsDropped = 0;
      if (options.dropSatisfiedCuts) {
        const slack = options.dropSatisfiedCuts.slack;
        const activity = cuts.times(offset);
        const keep = rhs.map((_, i) => i).filter((i) => activity[i]! - rhs[i]! >= -slack);
        cutsDropped = rhs.length - keep.length;
        if (cutsDropped > 0) {
          cuts = cuts.select(keep);
          rhs = keep.map((i) => rhs[i]!);
        }
      }
      newRows.forEach((row) => cuts.append(row));
      rhs.push(...newRhs);

      const problem = {
        cuts,
        rhs: Float64Array.from(rhs),
        objective,
        ...(options.metric ? { metric: options.metric } : {}),
      };
      let solution = await solver.solve(problem);
      let solveMs = solution.stats.ms;
      const solvePhases: Record<string, number> = { ...solution.stats.phases };
      let soft = false;
      if (solution.status === 'infeasible' && softPenalty !== Infinity) {
        solution = await solver.solve({ ...problem, softPenalty });
        solveMs += solution.stats.ms;
        for (const [phase, ms] of Object.entries(solution.stats.phases ?? {}))
          solvePhases[phase] = (solvePhases[phase] ?? 0) + ms;
        soft = true;
      }
      const entry: IterationTrace = {
        iteration: k,
        violatedConstraints: violated.length,
        cleanLossViolated: cleanViolated,
        cutsAdded: newRows.length,
        cutsDropped,
        cuts: cuts.length,
        qpStatus: solution.status,
        soft,
        kkt: solution.stats.kkt,
        solverIterations: solution.stats.iterations,
        objective: solution.objective,
        changeNorm: NaN,
        gradientMs,
        solveMs,
        solvePhases,
        evaluateMs: 0,
      };
      if (solution.status !== 'optimal' || solution.x === undefined) {
        trace.push(entry);
        options.onIteration?.(entry);
        stopReason = 'solver-failed';
        break;
      }

      const evaluateStart = performance.now();
      const next = new Float32Array(n);
      for (let p = 0; p < n; p++) next[p] = original[p]! + solution.x[p]!;
      writeParameters(variables, next);
      const stalled = next.every((v, p) => v === current.parameters[p]);
      current = evaluate(next, k + 1);
      entry.evaluateMs = performance.now() - evaluateStart;
      entry.changeNorm = pool[pool.length - 1]!.changeNorm;
      trace.push(entry);
      options.onIteration?.(entry);
      if (stalled) {
        stopReason = 'stalled';
        break;
      }
    }

    // The last QP's solution may already satisfy everything.
    if (stopReason === 'max-iterations' && isFeasible(current)) stopReason = 'feasible';
    const chosen = pool[chooseCandidate(pool, omega, select, lossBound)]!;
    writeParameters(
      variables,
      (options.leave ?? 'chosen') === 'chosen' ? chosen.parameters : original,
    );
    return {
      variables: variables.map((v) => ({ name: v.name, shape: [...v.shape] })),
      parameters: chosen.parameters,
      chosen,
      pool,
      paretoFront: paretoFront(pool),
      trace,
      stopReason,
      stoppedEarly: stopReason === 'interrupted',
      originalCleanLoss,
      outcome: repairOutcome({ examples: adversarial.labels.length, pool, chosen, trace, stopReason, select, ...(clean ? { cleanLossBound: lossBound } : {}) }),
    };
  } catch (error) {
    // A failed run leaves the classifier as it found it.
    writeParameters(variables, original);
    throw error;
  }
}

function dot(row: Float32Array, v: Float64Array): number {
  let sum = 0;
  for (let p = 0; p < row.length; p++) sum += row[p]! * v[p]!;
  return sum;
}
