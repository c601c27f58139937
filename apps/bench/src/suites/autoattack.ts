// APGD-CE (100 steps) and the standard AutoAttack suite on CNNLight (@liftguard/models, cached), L∞
// ε 0.1 and 0.3 on the first MNIST test images, next to a PyTorch APGD-CE written from the paper
// (autoattack.py) on the same weights and images in the same run. No PyTorch AutoAttack package
// installs offline, so the suite's other stages have no peer. Flags: --quick (200 images, the
// quick CNNLight recipe), --images=N (default 1,000), --no-pytorch, --pytorch-threads=N, --model-dir=DIR.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { apgd, autoAttack, gradientMaskingChecks, runAttack, type MaskingWarning } from '@liftguard/attacks';
import { loadDataset } from '@liftguard/data';
import { exportPytorchSafetensors } from '@liftguard/models';
import { initBackend } from '@liftguard/tensor';
import { peerScript, pytorchVersion, runPython } from '../pytorch.js';
import { machineInfo, markdownTable, writeResults } from '../results.js';
import type { BenchSuite } from '../suite.js';
import { paperRecipe, pretrainedModel, recipeKey } from './repair-models.js';

const epsilons = [0.1, 0.3];
const steps = 100;

interface PeerRow { epsilon: number; ms: number; robustAccuracy: number; oneThreadMs: number; oneThreadRobustAccuracy: number }
interface PeerResult { torch: string; threads: number; cleanAccuracy: number; cleanPredictions: number[]; rows: PeerRow[] }

function flag(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function positiveInt(args: string[], name: string, fallback: number): number {
  const value = Number(flag(args, name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got '${flag(args, name)}'`);
  return value;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percent = (v: number) => `${(100 * v).toFixed(1)} %`;

export const suite: BenchSuite = {
  name: 'autoattack',
  description: 'APGD-CE-100 and the standard AutoAttack suite on CNNLight (L∞ 0.1, 0.3) next to a PyTorch APGD-CE from the paper on the same weights',
  async run({ root, args, quick }) {
    const backend = await initBackend({ quiet: true });
    const data = await loadDataset('mnist');
    const images = Math.min(positiveInt(args, 'images', quick ? 200 : 1_000), data.test.count);
    const pytorchThreads = positiveInt(args, 'pytorch-threads', 2);
    const torch = args.includes('--no-pytorch') ? null : pytorchVersion();
    const modelDir = flag(args, 'model-dir') ?? join(root, 'tmp', 'bench-models');
    // The quick recipe (1 epoch on 5,000 images) is a different, weaker model than the full one.
    const recipe = paperRecipe('cnn-light', quick ? 1 : 10, quick ? 5_000 : 60_000);
    console.log(`backend ${backend.name}; PyTorch ${torch ?? 'not available'}; ${images} test images; CNNLight ${recipeKey(recipe)}`);
    const model = await pretrainedModel(recipe, data.train, modelDir);
    const labels = data.test.labels.slice(0, images);
    const x = tf.tensor4d(data.test.images.subarray(0, images * 784), [images, 28, 28, 1]);
    try {
      // LiftGuard APGD-CE alone: clean pass, the attack on clean-correct images, re-prediction (as the peer).
      const ours: { epsilon: number; ms: number; robustAccuracy: number }[] = [];
      let cleanAccuracy = 0;
      let cleanPredictions: ArrayLike<number> = [];
      for (const epsilon of epsilons) {
        const started = performance.now();
        const run = await runAttack(model.classifier, { x, labels }, apgd({ norm: 'linf', loss: 'cross-entropy', steps }), { epsilons: [epsilon], seed: 0, returnAdversarials: false });
        const ms = performance.now() - started;
        cleanAccuracy = run.cleanAccuracy!;
        cleanPredictions = run.cleanPredictions;
        ours.push({ epsilon, ms, robustAccuracy: run.robustAccuracy![0]! });
        console.log(`  APGD-CE-${steps}, ε = ${epsilon}: ${seconds(ms)}, robust accuracy ${percent(run.robustAccuracy![0]!)}`);
      }

      const suiteStarted = performance.now();
      const standard = await autoAttack(model.classifier, { x, labels }, { norm: 'linf', version: 'standard', epsilons, seed: 0, returnAdversarials: false });
      const suiteMs = performance.now() - suiteStarted;
      console.log(`  standard suite: ${seconds(suiteMs)}, robust accuracy ${standard.robustAccuracy!.map(percent).join(', ')}`);
      const warnings: MaskingWarning[] = gradientMaskingChecks({ suite: standard, model: model.classifier, x, labels });
      console.log(`  gradient-masking checks: ${warnings.length === 0 ? 'none fired' : warnings.map((w) => w.check).join(', ')}`);

      let peer: PeerResult | null = null;
      let pytorchMissing: string | null = null;
      if (torch === null) {
        pytorchMissing = 'PyTorch is not importable by /usr/bin/python3 (or --no-pytorch was given)';
      } else {
        const dir = mkdtempSync(join(tmpdir(), 'liftguard-autoattack-bench-'));
        try {
          const weights = join(dir, 'cnn-light.safetensors');
          writeFileSync(weights, exportPytorchSafetensors(model.classifier, { layerNames: ['conv1', 'conv2', 'fc1', 'fc2'], metadata: { format: 'pt', liftguardWeightsSha256: model.weightsSha256 } }));
          console.log(`  PyTorch ${torch}: APGD-CE-${steps} from the paper, same weights and images, ${pytorchThreads} thread(s) and 1…`);
          peer = runPython<PeerResult>(peerScript(root, 'autoattack.py'), { files: data.files, count: images, seed: 0, threads: pytorchThreads, weights, epsilons, steps });
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }

      const rows = ours.map((o, i) => {
        const p = peer?.rows[i] ?? null;
        return { ...o, pytorch: p, timeRatio: p && o.ms / p.ms, oneThreadTimeRatio: p && o.ms / p.oneThreadMs, accuracyDifference: p && o.robustAccuracy - p.robustAccuracy };
      });
      const stages = standard.stages.map((s) => ({ name: s.name, attacked: s.attacked, broken: s.broken, robustAccuracy: s.robustAccuracy, timingsMs: s.timingsMs }));
      const agree = peer ? peer.cleanPredictions.filter((p, i) => p === cleanPredictions[i]).length : null;

      const title = quick ? '# AutoAttack benchmark — QUICK RUN (200 images, quick 1-epoch CNNLight; not the full benchmark)' : '# AutoAttack benchmark';
      const md = [
        title,
        `Generated by \`npm run bench -- autoattack${args.length ? ` ${args.join(' ')}` : ''}\` (apps/bench/src/suites/autoattack.ts; PyTorch peer autoattack.py) on ${backend.name}, ${new Date().toISOString().slice(0, 10)}, on a shared 2-core machine under load from other jobs: compare ratios from the same run, not absolute times across runs. ` +
          `CNNLight (${recipeKey(recipe)}, weights \`${model.weightsSha256.slice(0, 16)}…\`), the first ${images.toLocaleString('en-US')} MNIST test images, L∞. Clean accuracy ${percent(cleanAccuracy)}` +
          (peer ? ` (PyTorch ${percent(peer.cleanAccuracy)}; clean predictions agree on ${agree} of ${images}).` : '.'),
        '## APGD-CE, 100 steps: LiftGuard next to PyTorch',
        `Both sides: clean pass, APGD-CE on the clean-correct images (one run, start on the ε-sphere, seed 0), robust accuracy; one timed run each, no warm-up. ` +
          `LiftGuard: \`runAttack(model, …, apgd({ norm: 'linf', steps: 100 }))\`. PyTorch ${peer ? `${peer.torch}` : ''}: APGD-CE written from Algorithm 1 of Croce & Hein (2020) in autoattack.py (the paper's checkpoints ⌈p_j·N⌉ and strict "<"; the same algorithm as the 0.5-point agreement test in packages/attacks), with ${pytorchThreads} threads and with 1. ` +
          'Random starts come from different generators, so robust accuracies differ by chance as well as by rounding. ' +
          'On a loaded machine PyTorch with 2 threads can be much slower than with 1 (its threads wait for cores other jobs hold): the 1-thread column is the fairer peer of single-threaded wasm.' +
          (pytorchMissing ? ` PyTorch: not measured — ${pytorchMissing}.` : ''),
        markdownTable(
          ['ε', `LiftGuard (${backend.name})`, `PyTorch (${pytorchThreads} threads)`, 'PyTorch (1 thread)', `LiftGuard / PyTorch (${pytorchThreads} thr.)`, 'LiftGuard / PyTorch (1 thr.)', 'robust acc. LiftGuard', 'robust acc. PyTorch', 'difference (points)'],
          rows.map((r) => [r.epsilon, seconds(r.ms), r.pytorch ? seconds(r.pytorch.ms) : '—', r.pytorch ? seconds(r.pytorch.oneThreadMs) : '—', r.timeRatio ? `${r.timeRatio.toFixed(2)}×` : '—', r.oneThreadTimeRatio ? `${r.oneThreadTimeRatio.toFixed(2)}×` : '—', percent(r.robustAccuracy), r.pytorch ? percent(r.pytorch.robustAccuracy) : '—', r.accuracyDifference === null ? '—' : (100 * r.accuracyDifference).toFixed(1)]),
        ),
        '## The standard suite (LiftGuard only)',
        `\`autoAttack(model, …, { norm: 'linf', version: 'standard' })\`: APGD-CE (100 steps), APGD-T (9 targets × 100 steps), FAB-T (9 targets × 100 steps), Square (5,000 queries), each on the survivors of the ones before; ${seconds(suiteMs)} for both ε. ` +
          'There is no PyTorch peer for the whole suite: the reference `autoattack` package (fra31/auto-attack) and `torchattacks` are not installed for /usr/bin/python3 and cannot be installed offline (no package index reachable), so only the APGD-CE stage is compared above. ' +
          "The first stage's broken count includes the clean-misclassified images (they count as broken without being attacked); its time includes the clean pass.",
        markdownTable(
          ['ε', ...stages.map((s) => `${s.name}: broken / attacked, robust acc., time`), 'robust accuracy'],
          epsilons.map((epsilon, e) => [epsilon, ...stages.map((s) => `${s.broken[e]} / ${s.attacked[e]}, ${percent(s.robustAccuracy![e]!)}, ${seconds(s.timingsMs[e]!)}`), percent(standard.robustAccuracy![e]!)]),
        ),
        `Gradient-masking checks on this run (\`gradientMaskingChecks\`, ${Math.min(64, images)} sampled images): ${warnings.length === 0 ? 'none fired.' : warnings.map((w) => `\`${w.check}\`: ${w.message}`).join('; ')}`,
      ].join('\n\n');
      writeResults(root, 'benchmarks', 'autoattack', {
        machine: machineInfo(),
        quick,
        args,
        backend: backend.name,
        model: { key: recipeKey(recipe), recipe, weightsSha256: model.weightsSha256, trainedInThisRun: model.trained },
        images,
        epsilons,
        steps,
        cleanAccuracy,
        apgdCe: rows,
        pytorch: peer && { version: peer.torch, threads: peer.threads, cleanAccuracy: peer.cleanAccuracy, cleanPredictionsAgree: agree },
        pytorchMissing,
        standardSuite: { totalMs: suiteMs, robustAccuracy: standard.robustAccuracy, stages },
        maskingWarnings: warnings,
      }, md);
    } finally {
      x.dispose();
      model.classifier.dispose();
    }
  },
};
