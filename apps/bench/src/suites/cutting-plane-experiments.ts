// The cutting-plane suite's experiments: cut rows from @liftguard/models' CNN (seeded He-normal
// weights, random images and labels), solver comparisons on them, and a CNNLight-sized repair.
import * as tf from '@tensorflow/tfjs-core';
import { cnn, cnnLight } from '@liftguard/models';
import { Random } from '@liftguard/tensor';
import {
  CutMatrix,
  DualQpSolver,
  HighsQpSolver,
  loadHighs,
  marginConstraints,
  marginGradientRows,
  predictLogits,
  repairClassifier,
  type CutProblem,
  type QpSolution,
  type QpStatus,
  type StopReason,
} from '@liftguard/cutting-plane';
import { medianMs } from '../timing.js';

/** Cut rows at w̄ (d = 0) of the CNN: gradients ∇(z_j* − z_y) and right-hand sides r = −g(w̄). */
export interface CnnCuts {
  /** Parameters of the CNN (162,710). */
  n: number;
  rows: Float32Array[];
  rhs: Float64Array;
  gradientMsPerRow: number;
}

/** The solvers the experiments share: created once, so every timing uses the same HiGHS runtimes. */
export interface BenchSolvers {
  /** Whole Gram matrix, then the active set. */
  dual: DualQpSolver;
  /** Exact constraint generation on a working set of cuts. */
  workingSet: DualQpSolver;
  highsPrimal: HighsQpSolver;
  highsDual: HighsQpSolver;
}

export interface FullSizeRow {
  m: number;
  n: number;
  dualMs: number;
  gramMs: number | undefined;
  activeSetMs: number | undefined;
  recoveryAndKktMs: number;
  dualStatus: QpStatus;
  kktOk: boolean | undefined;
  activeCuts: number;
  workingSetMs: number;
  workingSetDetail: string | undefined;
  workingSetKktOk: boolean | undefined;
  workingSetObjectiveRelDiff: number;
  highsDualFormMs: number;
  highsDualFormStatus: QpStatus;
  objectiveRelDiff: number | null;
  stepRelDiff: number | null;
}

export interface LastLayerRow {
  m: number;
  n: number;
  dualMs: number;
  highsPrimalMs: number;
  speedup: number;
  highsStatus: QpStatus;
  dualStatus: QpStatus;
  objectiveRelDiff: number;
  stepRelDiff: number | null;
  dualStationarity: number | null;
  highsStationarity: number | null;
}

export interface ScalingRow {
  n: number;
  highsPrimalMs: number;
  dualMs: number;
  status: string;
}

export interface PrimalAttempt {
  m: number;
  n: number;
  status?: string;
  detail?: string;
  ms?: number;
}

export interface RepairTiming {
  parameters: number;
  iterations: number;
  stopReason: StopReason;
  totalMs: number;
  gradientMs: number;
  solveMs: number;
  evaluateMs: number;
  finalCuts: number;
  violationBefore: number;
  violationChosen: number;
}

/** The last dense layer's parameters (100 × 10 + 10): the last columns of every row. */
export const lastLayer = 100 * 10 + 10;

/** Cut rows of `count` random images on the CNN (conv 16/32, dense 100; n = 162,710). */
export function cnnCutRows(count: number): CnnCuts {
  const model = cnn({ initialization: 'he-normal', seed: 1 });
  const data = randomImages(new Random(2), count);
  try {
    const constraints = marginConstraints(
      predictLogits(model, data.x),
      data.labels,
      10,
      0.1,
      'max',
    );
    const gradientStart = performance.now();
    const rows = marginGradientRows(model, model.trainableVariables, data.x, constraints);
    const gradientMsPerRow = (performance.now() - gradientStart) / count;
    return {
      n: model.parameterCount,
      rows,
      rhs: Float64Array.from(constraints, (c) => -c.value),
      gradientMsPerRow,
    };
  } finally {
    tf.dispose(data.x);
    model.dispose();
  }
}

export async function benchSolvers(): Promise<BenchSolvers> {
  // Tight HiGHS tolerances so that both solvers are asked for the same accuracy.
  const highsOptions = { primal_feasibility_tolerance: 1e-10, dual_feasibility_tolerance: 1e-10 };
  return {
    dual: new DualQpSolver({ strategy: 'full' }),
    workingSet: new DualQpSolver({ strategy: 'working-set' }),
    highsPrimal: await HighsQpSolver.create({ formulation: 'primal', highsOptions }),
    highsDual: await HighsQpSolver.create({ formulation: 'dual', highsOptions }),
  };
}

/**
 * For each m: the dual solver (full Gram and working set) vs HiGHS on the m-variable dual at
 * full size, and the dual solver vs HiGHS on the primal on the last layer's columns.
 */
export async function compareSolvers(
  cuts: CnnCuts,
  solvers: BenchSolvers,
  sizes: readonly number[],
  repeats: number,
): Promise<{ full: FullSizeRow[]; subset: LastLayerRow[] }> {
  const full: FullSizeRow[] = [];
  const subset: LastLayerRow[] = [];
  for (const m of sizes) {
    full.push(await fullSizeRow(cuts, solvers, m, repeats));
    subset.push(await lastLayerRow(cuts, solvers, m, repeats));
    console.log(full[full.length - 1], subset[subset.length - 1]);
  }
  return { full, subset };
}

async function fullSizeRow(
  cuts: CnnCuts,
  solvers: BenchSolvers,
  m: number,
  repeats: number,
): Promise<FullSizeRow> {
  // A fresh CutMatrix per run, so the Gram matrix is part of every timing.
  const problem = () => firstCuts(cuts, m, cuts.n);
  let ours: QpSolution | undefined;
  const phases: Record<string, number>[] = [];
  const dualMs = await medianMs(
    () => {
      ours = solvers.dual.solveSync(problem());
      phases.push(ours.stats.phases!);
    },
    repeats,
    1,
  );
  // Phases of the run closest to the median total.
  const median = phases.slice(1).sort((a, b) => total(a) - total(b))[
    Math.floor((phases.length - 1) / 2)
  ]!;
  let generated: QpSolution | undefined;
  const workingSetMs = await medianMs(
    () => void (generated = solvers.workingSet.solveSync(problem())),
    repeats,
    1,
  );
  const gramProblem = problem();
  gramProblem.cuts.gram();
  const reference = await solvers.highsDual.solve(gramProblem); // Gram already cached: HiGHS's time is its solve
  return {
    m,
    n: cuts.n,
    dualMs,
    gramMs: median.gram,
    activeSetMs: median.activeSet,
    recoveryAndKktMs: median.recovery! + median.kkt!,
    dualStatus: ours!.status,
    kktOk: ours!.stats.kkt?.ok,
    activeCuts: ours!.duals!.filter((l) => l > 0).length,
    workingSetMs,
    workingSetDetail: generated!.stats.detail,
    workingSetKktOk: generated!.stats.kkt?.ok,
    workingSetObjectiveRelDiff: relativeDifference(generated!.objective, ours!.objective),
    highsDualFormMs: reference.stats.ms,
    highsDualFormStatus: reference.status,
    objectiveRelDiff:
      reference.status === 'optimal'
        ? relativeDifference(ours!.objective, reference.objective)
        : null,
    stepRelDiff:
      reference.status === 'optimal' ? maxRelativeStepDifference(ours!, reference) : null,
  };
}

// HiGHS on the primal works only on small n: the last dense layer's 1,010 columns of the same rows.
async function lastLayerRow(
  cuts: CnnCuts,
  solvers: BenchSolvers,
  m: number,
  repeats: number,
): Promise<LastLayerRow> {
  let small: QpSolution | undefined;
  const dualMs = await medianMs(
    () => void (small = solvers.dual.solveSync(firstCuts(cuts, m, lastLayer))),
    repeats,
    1,
  );
  let primal: QpSolution | undefined;
  const highsPrimalMs = await medianMs(
    async () => void (primal = await solvers.highsPrimal.solve(firstCuts(cuts, m, lastLayer))),
    1,
    0,
  );
  return {
    m,
    n: lastLayer,
    dualMs,
    highsPrimalMs,
    speedup: highsPrimalMs / dualMs,
    highsStatus: primal!.status,
    dualStatus: small!.status,
    objectiveRelDiff: relativeDifference(small!.objective, primal!.objective),
    stepRelDiff: primal!.status === 'optimal' ? maxRelativeStepDifference(small!, primal!) : null,
    dualStationarity: small!.stats.kkt?.stationarity ?? null,
    highsStationarity: primal!.stats.kkt?.stationarity ?? null,
  };
}

/** How HiGHS's primal time grows with n: the last n parameters of the first 20 rows. */
export async function highsPrimalScaling(
  cuts: CnnCuts,
  solvers: BenchSolvers,
  columnCounts: readonly number[],
): Promise<ScalingRow[]> {
  const scaling: ScalingRow[] = [];
  for (const columns of columnCounts) {
    const primal = await solvers.highsPrimal.solve(firstCuts(cuts, 20, columns));
    const ours = solvers.dual.solveSync(firstCuts(cuts, 20, columns));
    scaling.push({
      n: columns,
      highsPrimalMs: primal.stats.ms,
      dualMs: ours.stats.ms,
      status: primal.status,
    });
    console.log('scaling', scaling[scaling.length - 1]);
  }
  return scaling;
}

/** HiGHS on the primal at the full size, m = 10: fresh runtime (a failed run may abort the module). */
export async function highsPrimalAtFullSize(cuts: CnnCuts): Promise<PrimalAttempt> {
  const attempt: PrimalAttempt = { m: 10, n: cuts.n };
  const isolated = new HighsQpSolver(await loadHighs(), { formulation: 'primal' });
  const start = performance.now();
  try {
    const result = await isolated.solve(firstCuts(cuts, 10, cuts.n));
    attempt.status = result.status;
    attempt.detail = result.stats.detail;
  } catch (error) {
    attempt.status = 'error';
    attempt.detail = String(error).split('\n')[0]!.slice(0, 200);
  }
  attempt.ms = performance.now() - start;
  console.log('HiGHS primal at full size:', attempt);
  return attempt;
}

/** A CNNLight repair (41,008 parameters): |X_adv| = 10, M = 20, clean-loss constraint on 200 images. */
export async function cnnLightRepairTiming(): Promise<RepairTiming> {
  const model = cnnLight({ initialization: 'he-normal', seed: 3 });
  const random = new Random(4);
  const adversarial = randomImages(random, 10);
  const clean = randomImages(random, 200);
  const validation = randomImages(random, 200);
  try {
    const repairStart = performance.now();
    const result = await repairClassifier({
      classifier: model,
      adversarial,
      clean,
      validation,
      maxIterations: 20,
    });
    const totalMs = performance.now() - repairStart;
    const sum = (key: 'gradientMs' | 'solveMs' | 'evaluateMs') =>
      result.trace.reduce((s, t) => s + t[key], 0);
    const repair: RepairTiming = {
      parameters: model.parameterCount,
      iterations: result.trace.length,
      stopReason: result.stopReason,
      totalMs,
      gradientMs: sum('gradientMs'),
      solveMs: sum('solveMs'),
      evaluateMs: sum('evaluateMs'),
      finalCuts: result.trace[result.trace.length - 1]?.cuts ?? 0,
      violationBefore: result.pool[0]!.violation,
      violationChosen: result.chosen.violation,
    };
    console.log('repair', repair);
    return repair;
  } finally {
    tf.dispose([adversarial.x, clean.x, validation.x]);
    model.dispose();
  }
}

/** The first m cuts restricted to the last `columns` parameters (a fresh CutMatrix). */
function firstCuts(cuts: CnnCuts, m: number, columns: number): CutProblem {
  return {
    cuts: new CutMatrix(
      columns,
      cuts.rows.slice(0, m).map((r) => (columns === cuts.n ? r : r.subarray(cuts.n - columns))),
    ),
    rhs: cuts.rhs.slice(0, m),
  };
}

function randomImages(random: Random, count: number): { x: tf.Tensor4D; labels: Int32Array } {
  return {
    x: tf.tensor4d(random.uniformArray(count * 784), [count, 28, 28, 1]),
    labels: Int32Array.from({ length: count }, () => random.int(10)),
  };
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
}

function maxRelativeStepDifference(a: QpSolution, b: QpSolution): number {
  let diff = 0;
  let scale = 0;
  for (let p = 0; p < a.x!.length; p++) {
    diff = Math.max(diff, Math.abs(a.x![p]! - b.x![p]!));
    scale = Math.max(scale, Math.abs(b.x![p]!));
  }
  return diff / scale;
}

function total(phases: Record<string, number>): number {
  return Object.values(phases).reduce((a, b) => a + b, 0);
}
