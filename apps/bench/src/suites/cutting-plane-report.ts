// docs/benchmarks/cutting-plane.{json,md} from the cutting-plane suite's experiments.
import { cpus, loadavg } from 'node:os';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import {
  lastLayer,
  type FullSizeRow,
  type LastLayerRow,
  type PrimalAttempt,
  type RepairTiming,
  type ScalingRow,
} from './cutting-plane-experiments.js';

export interface CuttingPlaneResults {
  backend: string;
  n: number;
  gradientMsPerRow: number;
  repeats: number;
  full: FullSizeRow[];
  subset: LastLayerRow[];
  scaling: ScalingRow[];
  primalAttempt: PrimalAttempt;
  repair: RepairTiming;
}

export function writeCuttingPlaneResults(root: string, results: CuttingPlaneResults): void {
  const { backend, n, gradientMsPerRow, repeats, full, subset, scaling, primalAttempt, repair } =
    results;
  const info = machineInfo();
  const machine = {
    ...info,
    date: String(info.date),
    node: String(info.node),
    cpus: cpus().length,
    loadAverage: loadavg(),
  };
  const markdown = [
    '# Cutting-plane solver benchmark',
    '',
    `${machine.date}, Node ${machine.node}, ${machine.cpus} cores (load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' / ')} at the end of the run: the machine is shared, so absolute times are noisy), tfjs backend \`${backend}\`; dual solver in plain JavaScript (Float64); HiGHS 1.15 (npm \`highs\`, WebAssembly, single thread, feasibility tolerances 1e-10).`,
    '',
    `Cut rows: per-example gradients ∇(z_j* − z_y) of @liftguard/models' CNN (conv 16, conv 32, dense 100, dense 10; n = ${n.toLocaleString('en')}) with seeded He-normal initialization (untrained), on random [0,1] 28×28 images with random labels. Right-hand sides r = −g(w̄) with δ = 0.1. ${gradientMsPerRow.toFixed(1)} ms per gradient row. Times are medians of ${repeats} run(s).`,
    '',
    '## Full size: dual active-set vs HiGHS',
    '',
    `HiGHS cannot solve the primal at this size: its active-set QP works in the null space of the active constraints (≈ n − m dimensions, a dense reduced Hessian) and refuses more than 4,000 (\`qp_nullspace_limit\`). Attempt with m = 10: status \`${primalAttempt.status}\` after ${Number(primalAttempt.ms).toFixed(0)} ms (${primalAttempt.detail}). The comparison at full size is therefore with HiGHS on the same m-variable dual (given the Gram matrix we computed), and on the primal below on a parameter subset. The dual solver runs two ways: with the whole Gram matrix (m²n/2 multiply-adds, the dominant cost), and by exact constraint generation (solve on a working set of the most violated cuts, add the cuts its step violates, repeat; only the working set's Gram matrix is formed). KKT ok is reported for both (full / working set); the differences are between the full-Gram dual and HiGHS.`,
    '',
    markdownTable(
      [
        'm',
        'dual, working set (ms)',
        'working set',
        'dual, full Gram (ms)',
        'Gram (ms)',
        'active set (ms)',
        'd and KKT (ms)',
        'active cuts',
        'KKT ok',
        'HiGHS on the dual (ms)',
        'objective rel. diff',
        'step rel. diff',
      ],
      full.map((r) => [
        r.m,
        r.workingSetMs.toFixed(0),
        String(r.workingSetDetail).replace(/^working set of /, ''),
        r.dualMs.toFixed(0),
        (r.gramMs as number).toFixed(0),
        (r.activeSetMs as number).toFixed(1),
        r.recoveryAndKktMs.toFixed(0),
        r.activeCuts,
        `${String(r.kktOk)} / ${String(r.workingSetKktOk)}`,
        r.highsDualFormMs.toFixed(0),
        fmt(r.objectiveRelDiff),
        fmt(r.stepRelDiff),
      ]),
    ),
    '',
    `## Primal: HiGHS vs dual on the last dense layer (n = ${lastLayer.toLocaleString('en')} columns of the same rows)`,
    '',
    markdownTable(
      [
        'm',
        'dual (ms)',
        'HiGHS primal (ms)',
        'speed-up',
        'HiGHS status',
        'objective rel. diff',
        'step rel. diff',
        'stationarity: dual / HiGHS',
      ],
      subset.map((r) => [
        r.m,
        r.dualMs.toFixed(1),
        r.highsPrimalMs.toFixed(0),
        `${r.speedup.toFixed(0)}×`,
        r.highsStatus,
        fmt(r.objectiveRelDiff),
        fmt(r.stepRelDiff),
        `${fmt(r.dualStationarity)} / ${fmt(r.highsStationarity)}`,
      ]),
    ),
    '',
    'Stationarity is the KKT residual ‖d + Aᵀλ‖∞ / (1 + ‖Aᵀλ‖∞) of each returned (d, λ): where the steps differ, it shows which solver is off.',
    '',
    '## HiGHS on the primal as n grows (m = 20, the last n parameters of the same rows)',
    '',
    markdownTable(
      ['n', 'HiGHS primal (ms)', 'dual (ms)', 'HiGHS status'],
      scaling.map((r) => [r.n, r.highsPrimalMs.toFixed(0), r.dualMs.toFixed(1), r.status]),
    ),
    '',
    `## CNNLight-sized repair (${repair.parameters.toLocaleString('en')} parameters)`,
    '',
    `@liftguard/models' CNNLight (conv 8, conv 16, dense 50) with seeded He-normal initialization, random images and labels; |X_adv| = 10, M = 20, max form, δ = 0.1, clean-loss constraint (ε_L = 0.05) on 200 images, validation 200 images, built-in dual solver, ${backend} backend.`,
    '',
    markdownTable(
      [
        'iterations',
        'stop',
        'total (s)',
        'gradients (s)',
        'solve (s)',
        'evaluation (s)',
        'cuts at end',
        'V before',
        'V chosen',
      ],
      [
        [
          repair.iterations,
          repair.stopReason,
          (repair.totalMs / 1000).toFixed(2),
          (repair.gradientMs / 1000).toFixed(2),
          (repair.solveMs / 1000).toFixed(2),
          (repair.evaluateMs / 1000).toFixed(2),
          repair.finalCuts,
          repair.violationBefore.toFixed(3),
          repair.violationChosen.toFixed(3),
        ],
      ],
    ),
  ].join('\n');
  writeResults(root, 'benchmarks', 'cutting-plane', { machine, ...results }, markdown);
}

function fmt(value: unknown): string {
  return typeof value === 'number' ? value.toExponential(1) : 'n/a';
}
