// docs/benchmarks/losses.{json,md}: the AROVR speed targets and the independent-implementation check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, machineInfo, writeResults, type MachineInfo } from '../results.js';
import type { AgreementResult } from './losses-agreement.js';
import type { BatchBreakdown } from './losses-breakdown.js';
import type { SpeedResult } from './losses-speed.js';

export interface LossesBenchmark {
  machine: MachineInfo;
  /** The load average when the numbers were taken (the machine is shared). */
  loadAverage: number[];
  speed: SpeedResult | null;
  breakdown: BatchBreakdown | null;
  agreement: AgreementResult | null;
}

/** The previous file's parts, so the speed and agreement parts can be re-run separately. */
export function readBenchmark(root: string): Partial<LossesBenchmark> {
  const path = join(root, 'docs', 'benchmarks', 'losses.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as LossesBenchmark) : {};
}

const list = (v: number[]) => v.map((s) => s.toFixed(2)).join(', ');
const verdict = (value: number, limit: number) => `${value.toFixed(2)}× (target ≤ ${limit}×: ${value <= limit ? 'met' : 'NOT met'})`;

function speedMarkdown(s: SpeedResult): string {
  const rows: (string | number)[][] = [
    ['LiftGuard BP (bp-squared) epoch', `${list(s.liftguard.bpEpochSeconds)} s`, `${s.backend}`],
    [`LiftGuard AROVR (T = ${s.rounds}) epoch`, `${list(s.liftguard.arovrEpochSeconds)} s`, `${s.backend}`],
  ];
  if (s.pytorch) {
    rows.push(['PyTorch BP epoch', `${list(s.pytorch.bpEpochSeconds)} s`, `torch ${s.pytorch.version}, ${s.pytorch.threads} thread(s)`]);
    rows.push([`PyTorch AROVR (T = ${s.rounds}) epoch`, `${list(s.pytorch.arovrEpochSeconds)} s`, `torch ${s.pytorch.version}, ${s.pytorch.threads} thread(s)`]);
  }
  const r = s.ratios;
  const ratioRows: (string | number)[][] = [
    ['LiftGuard AROVR / LiftGuard BP', verdict(r.arovrOverBp.median, 5), verdict(r.arovrOverBp.fastest, 5)],
  ];
  if (r.liftguardOverPytorchArovr) ratioRows.push(['LiftGuard AROVR / PyTorch AROVR', verdict(r.liftguardOverPytorchArovr.median, 1.5), verdict(r.liftguardOverPytorchArovr.fastest, 1.5)]);
  if (r.pytorchArovrOverBp) ratioRows.push(['PyTorch AROVR / PyTorch BP (context)', `${r.pytorchArovrOverBp.median.toFixed(2)}×`, `${r.pytorchArovrOverBp.fastest.toFixed(2)}×`]);
  if (r.liftguardOverPytorchBp) ratioRows.push(['LiftGuard BP / PyTorch BP (context)', `${r.liftguardOverPytorchBp.median.toFixed(2)}×`, `${r.liftguardOverPytorchBp.fastest.toFixed(2)}×`]);
  return [
    '## Speed: an AROVR epoch vs a BP epoch, and vs PyTorch',
    '',
    `MLP ${s.widths.join('-')}, ${s.images.toLocaleString('en-US')} MNIST training images per epoch, batch ${s.batchSize}, Adam 1e-3,`,
    `AROVR β = ½, T = ${s.rounds} rounds (majorize damping, 3 warm-started power iterations per layer). ${s.repeats} timed epochs`,
    'per kind after one untimed warm-up epoch; LiftGuard first, then the PyTorch peer (losses.py, epoch mode: the same',
    'truncated block-coordinate algorithm, Danskin surrogate by autograd) in the same run. Our AROVR epoch also computes',
    'the value and diagnostics (clean loss, gap, solver trace) every batch; the peer does not.',
    '',
    `Load average at the end of this part: ${s.loadAverage?.map((l) => l.toFixed(2)).join(' / ') ?? 'not recorded'} (${s.finishedAt.slice(0, 16).replace('T', ' ')} UTC).`,
    '',
    markdownTable(['what', 'epoch seconds', 'where'], rows),
    '',
    markdownTable(['ratio', 'median epochs', 'fastest epochs'], ratioRows),
  ].join('\n');
}

function breakdownMarkdown(b: BatchBreakdown): string {
  const rows: [string, number][] = [
    ['bp-squared `compute` (whole batch)', b.ms.bpCompute],
    [`arovr \`compute\` (whole batch, T = ${b.rounds})`, b.ms.arovrCompute],
    ['forward pass (the free state z*)', b.ms.forwardPass],
    ['adversarial solve, trace `objective` (what the loss runs)', b.ms.adversarialSolve],
    ['adversarial solve, trace `changes`', b.ms.adversarialSolveChangesTrace],
    ['θ-gradient by tape of (U(z*) − U(ẑ))/β (what the loss runs)', b.ms.tapeSurrogateGradient],
    ['θ-gradient by tape of −U(ẑ)/β alone (∇U(z*) = 0 for Fenchel-Young)', b.ms.tapeAdversarialOnly],
    ['θ-gradient in closed form, `parameterGradients` at ẑ', b.ms.closedFormGradient],
  ];
  return [
    '## Where an AROVR batch spends its time (LiftGuard)',
    '',
    `One batch of ${b.batchSize} random inputs, MLP ${b.widths.join('-')}, median of 31 calls. The closed-form gradient agrees with`,
    `the library's AROVR gradient to ${b.closedFormRelativeDifference.toExponential(1)} (relative); it is what a faster AROVR would use.`,
    '',
    markdownTable(['part', 'ms per batch'], rows.map(([part, ms]) => [part, ms.toFixed(2)])),
  ].join('\n');
}

function agreementMarkdown(a: AgreementResult): string {
  return [
    '## Independent-implementation agreement (AROVR gradient)',
    '',
    `Net ${a.widths.join('-')} (seeded weights 0.7/√fan_in, biases 0.1·N(0,1)), batch ${a.batch}, β = ${a.beta}, γ = 1, squared loss.`,
    `LiftGuard: \`createLoss('arovr', { beta: ${a.beta}, rounds: ${a.rounds}, tolerance: ${a.tolerance} })\` (float32, block-coordinate solver; stopped after ${a.solverRounds} rounds).`,
    `Reference: losses.py gradient mode (torch ${a.torch}, float64): the adversarial state by projected gradient descent`,
    `(${a.referenceIterations} iterations, last max |Δz| ${a.referenceFinalChange.toExponential(1)}), the Danskin gradient (1/β)(∇U(z*) − ∇U(ẑ)) by autograd.`,
    `Relative difference = max |ours − reference| / max |reference| per variable. Values: ours ${a.value.toPrecision(7)}, reference ${a.referenceValue.toPrecision(7)};`,
    `the AROVR gap (value − clean loss) is ${a.gap.toPrecision(3)}, so the adversarial state is far from the free state.`,
    '',
    markdownTable(['variable', 'relative difference'], a.perVariable.map((p) => [p.name, p.relativeDifference.toExponential(2)])),
    '',
    `**Max relative difference: ${a.maxRelativeDifference.toExponential(2)}** (expected ~1e-4: float32 vs float64).`,
  ].join('\n');
}

export function writeBenchmark(root: string, benchmark: Omit<LossesBenchmark, 'machine'>): void {
  const data: LossesBenchmark = { machine: machineInfo(), ...benchmark };
  const markdown = [
    '# Losses: AROVR speed targets and an independent check',
    '',
    'Generated by `npm run bench -- losses --speed --breakdown --agreement` (apps/bench/src/suites/losses.ts).',
    `Machine: shared, 2 cores, other engineers' jobs running (1-, 5-, 15-min load averages ${data.loadAverage.map((l) => l.toFixed(2)).join(' / ')} when this file was last written);`,
    'absolute times are noisy, the same-run ratios are what to read.',
    '',
    data.speed ? speedMarkdown(data.speed) : '## Speed\n\nNot run yet.',
    '',
    data.breakdown ? breakdownMarkdown(data.breakdown) : '## Time breakdown\n\nNot run yet.',
    '',
    data.agreement ? agreementMarkdown(data.agreement) : '## Agreement\n\nNot run yet.',
  ].join('\n');
  writeResults(root, 'benchmarks', 'losses', data, markdown);
}
