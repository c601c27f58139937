// Issue #16 (Performance): seconds per L∞ PGD step and peak memory for MobileNetV2 at
// 224×224×3, batch 8, LiftGuard on the default Node backend (wasm + BLAS when it loads) next to
// PyTorch on the same architecture built from torch.nn layers (mobilenet.py), at 1 thread and
// all threads, in one run; plus where the time goes (kernel profile of one step's gradient).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { peerScript, pytorchVersion, runPython } from '../pytorch.js';
import type { BenchSuite } from '../suite.js';
import type { StepOptions, StepResult } from './mobilenet-step.js';

interface PeerResult {
  torch: string;
  threads: number;
  stepSeconds: number[];
  minSeconds: number;
  medianSeconds: number;
  peakRssBytes: number;
  profile: { op: string; ms: number; calls: number | null }[];
}

/** One LiftGuard run in a fresh Node process (its own peak RSS). */
function liftguardRun(options: StepOptions): StepResult {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'mobilenet-step.js');
  const out = execFileSync(process.execPath, [script, JSON.stringify(options)], { encoding: 'utf8', timeout: 30 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as StepResult;
}

/**
 * What was changed for issue #16 and what each change measured (LiftGuard at 1 BLAS thread,
 * min / median s/step of 4 steps; all runs on the same 2 shared cores, load average ~10–22
 * from other jobs, so only numbers from one row's run compare with each other).
 */
const history: string[][] = [
  ['baseline (681f896): tfjs-layers execute; fused conv customGrad computes dx, dW, db eagerly; wasm Identity copies every saved tensor', 'suite run: 3.22 / 5.45 (PyTorch 1t in the same run: 1.12 / 1.39); peak RSS 2195 MiB', '—'],
  ['`compileForward` (conv → BN → relu6 as one FusedConv2D / FusedDepthwiseConv2D, BN folded), lazy fused-conv gradients (no filter gradient for an input gradient), shared-data Identity on wasm (42b13e1, a4944c7)', 'suite run: 2.34 / 2.40 (PyTorch 1t: 1.67 / 2.04); alone: 1.85 / 2.18; peak RSS 737 MiB', 'kept'],
  ['one-pass JavaScript relu6 backprop kernel on the wasm heap instead of 4 tf ops (sub, mul, step, mul)', 'kernel 605–1042 ms per step vs ~280 ms for the 4 SIMD wasm ops', 'dropped: scalar JS loses to wasm SIMD'],
  ['strided depthwise input gradient in sub-pixel phases (one depthwise conv with multiplier 4 + transpose) instead of the zero-dilated dy', '2× slower per layer (e.g. 112² × 96: 330–480 ms vs 175–220 ms)', 'dropped: XNNPACK has no fast path for multiplier 4'],
  ['BLAS fused conv: bias as the GEMM\'s initial C, relu/relu6 as the wasm kernel instead of a JS epilogue (2b77c7b)', 'alone: 1.55 / 1.64 (FusedConv2D 422 ms per step, was 604–1238)', 'kept'],
];

const fmt = (v: number, digits = 2) => v.toFixed(digits);
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)}`;

interface RunRecord {
  threads: number;
  liftguard: StepResult;
  pytorch: PeerResult | null;
  load: number;
}

interface Results {
  machine: ReturnType<typeof machineInfo> & { cores: number; loadAverage: number[] };
  options: { batch: number; size: number; classes: number; steps: number; warmup: number; epsilon: number; stepSize: number; seed: number };
  pytorch: string | null;
  quick: boolean;
  runs: RunRecord[];
}

/** How to read the numbers: what the comparison holds equal and what it does not. */
const reading = [
  '- The machine has 2 cores shared with other jobs (the load average is in the table), so single steps vary by up to 2× from one second to the next; LiftGuard and PyTorch alternate per thread count so that drifts in load fall on both, and the table gives min and median. The 1-thread row is the fair comparison: at 2 threads PyTorch\'s OpenMP workers wait for each other when the cores are taken by other jobs (its 2-thread profile shows 3.8 s in `convolution_backward`), so the 2-thread ratio reflects that contention more than LiftGuard\'s speed.',
  '- LiftGuard folds each inference batch norm into the conv before it (`compileForward` in @liftguard/models: one FusedConv2D / FusedDepthwiseConv2D with bias and relu6), so it runs no batch-norm kernels and no batch-norm backward; PyTorch eager runs `native_batch_norm` and its backward (~0.3 s of its step at 1 thread). That is part of the gap closing, by design, not a difference in what is computed: logits equal tfjs-layers\' own execution of the model to float32 rounding (max |Δ| 2.9e-6 on the pretrained nsfwjs MobileNetV2; 7e-5 on this random model whose logits reach 11.5, where tfjs-layers on wasm and on cpu differ by 6e-5 between themselves), and the input gradient matches a central difference (131.08 vs 131.80 along the gradient at h = 3e-4, relu6 kinks included).',
  '- Where LiftGuard\'s time goes now: the convolutions themselves (every conv, depthwise or not, and its input gradient on oneDNN, the library PyTorch\'s CPU convolutions run on, when libdnnl is installed; else pointwise convs on OpenBLAS and depthwise ones on XNNPACK) and the relu6 masks of the backward pass (Multiply / Sub / Step: four SIMD passes per layer; a one-pass JavaScript kernel measured slower). No filter gradient, batch norm or tensor copy is left in an input-gradient step.',
];

async function measure(root: string, quick: boolean): Promise<Results> {
  const threads = availableParallelism();
  const options = { batch: 8, size: 224, classes: 1000, steps: quick ? 2 : 4, warmup: 1, epsilon: 8 / 255, stepSize: 2 / 255, seed: 1 };
  const torch = pytorchVersion();
  // LiftGuard and PyTorch take turns per thread count, so that load from other jobs on the
  // shared machine falls on both alike.
  const runs: RunRecord[] = [];
  for (const t of [1, threads]) {
    const liftguard = liftguardRun({ ...options, blasThreads: t === threads ? null : t, profile: true });
    console.log(`  LiftGuard ${t}t (${liftguard.environment}): ${liftguard.stepSeconds.map((s) => fmt(s)).join(', ')} s/step, peak RSS ${mib(liftguard.peakRssBytes)} MiB`);
    const pytorch = torch === null ? null : runPython<PeerResult>(peerScript(root, 'mobilenet.py'), { ...options, threads: t, profile: true });
    if (pytorch) console.log(`  PyTorch ${t}t: ${pytorch.stepSeconds.map((s) => fmt(s)).join(', ')} s/step, peak RSS ${mib(pytorch.peakRssBytes)} MiB`);
    runs.push({ threads: t, liftguard, pytorch, load: loadavg()[0]! });
  }
  return { machine: { ...machineInfo(), cores: threads, loadAverage: loadavg() }, options, pytorch: torch, quick, runs };
}

function render({ machine, options: common, pytorch: torch, quick, runs }: Results): string {
  const threads = machine.cores;
  const header = ['threads', 'LiftGuard s/step (min / median)', 'PyTorch s/step (min / median)', 'ratio (median)', 'ratio (min)', 'LiftGuard peak RSS (MiB)', 'PyTorch peak RSS (MiB)', 'load after'];
  const rows = runs.map(({ threads: t, liftguard: l, pytorch: p, load }) => [
    t === threads ? `${t} (all)` : `${t}`,
    `${fmt(l.minSeconds)} / ${fmt(l.medianSeconds)}`,
    p ? `${fmt(p.minSeconds)} / ${fmt(p.medianSeconds)}` : '—',
    p ? `${fmt(l.medianSeconds / p.medianSeconds)}×` : '—',
    p ? `${fmt(l.minSeconds / p.minSeconds)}×` : '—',
    mib(l.peakRssBytes),
    p ? mib(p.peakRssBytes) : '—',
    fmt(load, 1),
  ]);
  const profileOf = (l: StepResult) =>
    markdownTable(
      ['kernel', 'calls', 'ms', 'share'],
      [...l.profile.slice(0, 14).map((k) => [k.kernel, k.calls, fmt(k.ms, 0), `${fmt((100 * k.ms) / l.profileTotalMs, 1)} %`]), ['all kernels', l.profile.reduce((s, k) => s + k.calls, 0), fmt(l.profileTotalMs, 0), '100 %']],
    );
  const peerProfile = (p: PeerResult) => markdownTable(['operator (self CPU)', 'calls', 'ms'], p.profile.map((e) => [e.op, e.calls ?? '', fmt(e.ms, 0)]));
  const last = runs[runs.length - 1]!;
  return [
    '# PGD step on MobileNetV2 (224×224×3, batch 8): LiftGuard vs PyTorch',
    '',
    `Generated by \`npm run bench -- mobilenet${quick ? ' --quick' : ''}\` on ${machine.date} (${machine.platform}, Node ${machine.node}, ${threads} cores shared with other jobs, PyTorch ${torch ?? 'not installed'}; load average at the end ${machine.loadAverage.map((v) => v.toFixed(1)).join(' / ')}).`,
    '',
    `Model: MobileNetV2 alpha 1.0 (3×3 s2 stem, 17 inverted-residual blocks, 1×1 to 1280, global average pool, dense 1000), bias-free convs + batch norm (inference) + ReLU6, random weights with a fixed seed — tfjs-layers in LiftGuard (apps/bench/src/suites/mobilenet-model.ts, wrapped by \`layersModelClassifier\`), torch.nn in PyTorch (mobilenet.py). One step = input gradient of the summed cross-entropy + sign step (2/255) + projection onto the 8/255 L∞ ball and [0, 1]; ${common.warmup} warm-up step, then ${common.steps} timed steps; each side runs in its own process (peak RSS = that process's maximum resident set). LiftGuard: \`${last.liftguard.environment}\` (${last.liftguard.blas}); "1 thread" sets OpenBLAS and oneDNN to 1 thread (the wasm kernels are single-threaded), "all" leaves their default.`,
    '',
    markdownTable(header, rows),
    '',
    '**Goal (issue #16): LiftGuard within 2× of PyTorch on this machine.** ' +
      runs
        .filter((r) => r.pytorch)
        .map(({ threads: t, liftguard: l, pytorch: p }) => {
          const median = l.medianSeconds / p!.medianSeconds;
          const min = l.minSeconds / p!.minSeconds;
          const verdict = Math.max(median, min) <= 2 ? 'within 2× in this run' : 'not within 2× in this run';
          // Only when PyTorch's all-thread run was slower than its 1-thread run does contention explain the ratio.
          const oneThread = runs.find((r) => r.threads === 1)?.pytorch;
          const contended = t === threads && t > 1 && oneThread != null && p!.medianSeconds > oneThread.medianSeconds;
          return `${t === threads ? `all ${t} threads` : '1 thread'}: ${fmt(median)}× by median, ${fmt(min)}× by fastest step — ${verdict}${contended ? ' (PyTorch slowed by contention, see "Reading it")' : ''}`;
        })
        .join('; ') +
      '.',
    '',
    ...runs.flatMap(({ threads: t, liftguard: l }) => [`## Where the time goes: LiftGuard kernels in one step's input gradient (${t} thread${t > 1 ? 's' : ''}, tf.profile)`, '', profileOf(l), '']),
    '## Changes for issue #16 and what they measured',
    '',
    markdownTable(['change', 'LiftGuard 1 thread, s/step (min / median)', 'outcome'], history),
    '',
    '## Reading it',
    '',
    ...reading,
    '',
    ...runs.flatMap(({ threads: t, pytorch: p }) => (p ? [`## PyTorch operators in one step (${t} thread${t > 1 ? 's' : ''}, torch.autograd.profiler, self CPU time)`, '', peerProfile(p), ''] : [])),
  ].join('\n');
}

export const suite: BenchSuite = {
  name: 'mobilenet',
  description: 'PGD step on MobileNetV2 224×224×3, batch 8: LiftGuard (default Node backend) vs PyTorch torch.nn at 1 and all threads; kernel profile',
  async run({ root, quick, args }) {
    const name = quick ? 'mobilenet-quick' : 'mobilenet';
    // --render redraws the Markdown from the last JSON (after editing the notes) without measuring.
    const results = args.includes('--render')
      ? (JSON.parse(readFileSync(join(root, 'docs', 'benchmarks', `${name}.json`), 'utf8')) as Results)
      : await measure(root, quick);
    writeResults(root, 'benchmarks', name, results, render(results));
  },
};
