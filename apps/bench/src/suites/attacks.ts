// Robust accuracy vs ε of the BP-trained MLP and CNNLight (@liftguard/models, cached) on the MNIST
// test set, and FGSM / L∞ PGD-40 throughput on CNNLight next to PyTorch on the same weights and
// images in the same run. Flags: --quick, --no-pytorch, --images=N (robust accuracy, default all
// 10,000), --batch=N, --steps=N, --throughput-images=N, --repeats=N, --pytorch-threads=N, --model-dir=DIR.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '@liftguard/data';
import { renderHtml, renderMarkdown, type RobustnessReport } from '@liftguard/report';
import { initBackend } from '@liftguard/tensor';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { pytorchVersion } from '../pytorch.js';
import type { BenchSuite } from '../suite.js';
import { attackBenchModels, type BenchModel } from './attacks-models.js';
import { l2Epsilons, linfEpsilons, measureRobustness } from './attacks-robustness.js';
import { measureThroughput, type ThroughputResult } from './attacks-throughput.js';

function flag(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function positiveInt(args: string[], name: string, fallback: number): number {
  const value = Number(flag(args, name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percent = (v: number) => `${(100 * v).toFixed(1)} %`;

function throughputMarkdown(t: ThroughputResult): string {
  const intro =
    `${t.images.toLocaleString('en-US')} MNIST test images in one batch, ε = ${t.epsilon} (L∞), cross-entropy on logits; PGD: uniform random start, ${t.steps} steps of 2.5ε/${t.steps}. ` +
    `Median of ${t.repeats} timed runs after one warm-up; the attack only (no clean pass, no re-prediction) on both sides. ` +
    `LiftGuard runs CNNLight from @liftguard/models through @liftguard/attacks' \`fgsm()\` / \`pgd()\` on ${t.backend} (single-threaded in Node; kernels @liftguard/tensor installs there for every user: ${t.kernelFallbacks.map((f) => f.split(' (')[0]).join(', ') || 'none'}); ` +
    (t.pytorch
      ? `PyTorch ${t.pytorch.version} (CPU) runs the same weights, exported with \`exportPytorchSafetensors\` (read with ${t.pytorch.weightsReader}), with ${t.pytorch.threads} threads and with 1, right after. ` +
        `Clean accuracy on these images: LiftGuard ${percent(t.cleanAccuracy)}, PyTorch ${percent(t.pytorch.cleanAccuracy)}; clean predictions agree on ${t.pytorch.cleanPredictionsAgree} of ${t.images}. ` +
        'Robust accuracy differs by the random start (different random streams) and float rounding; FGSM has no randomness. The machine is shared (2 cores, other jobs running): compare the ratios, which come from the same run.'
      : `PyTorch: not measured — ${t.pytorchMissing}.`);
  const threads = t.pytorch ? `${t.pytorch.threads} threads` : 'threads';
  const ratio = (ms: number, other: number | undefined) => (other === undefined ? '—' : `${(ms / other).toFixed(2)}×`);
  return [
    intro,
    markdownTable(
      ['attack', `LiftGuard (${t.backend})`, `PyTorch (${threads})`, 'PyTorch (1 thread)', `LiftGuard / PyTorch (${threads})`, 'LiftGuard / PyTorch (1 thread)', 'robust acc. LiftGuard', 'robust acc. PyTorch', 'within 1 point'],
      t.rows.map((r) => [
        r.attack,
        seconds(r.ms),
        r.pytorch ? seconds(r.pytorch.ms) : '—',
        r.pytorch ? seconds(r.pytorch.oneThreadMs) : '—',
        ratio(r.ms, r.pytorch?.ms),
        ratio(r.ms, r.pytorch?.oneThreadMs),
        percent(r.robustAccuracy),
        r.pytorch ? percent(r.pytorch.robustAccuracy) : '—',
        r.agrees === null ? '—' : r.agrees ? 'yes' : 'no',
      ]),
    ),
  ].join('\n\n');
}

function modelsMarkdown(models: BenchModel[], reports: RobustnessReport[]): string {
  return markdownTable(
    ['model', 'recipe', 'weights SHA-256', 'cache entry', 'clean test accuracy'],
    models.map((m, i) => [m.recipe.model, m.recipeText, `\`${m.weightsSha256.slice(0, 16)}…\``, `\`${m.key}\``, `${(100 * reports[i]!.cleanAccuracy!).toFixed(2)} % (${reports[i]!.dataset.count.toLocaleString('en-US')} images)`]),
  );
}

export const suite: BenchSuite = {
  name: 'attacks',
  description: 'robust accuracy vs ε (MLP, CNNLight from @liftguard/models on the MNIST test set) and FGSM / L∞ PGD-40 throughput on CNNLight next to PyTorch on the same weights',
  async run({ root, args, quick }) {
    const backend = await initBackend({ quiet: true });
    const data = await loadDataset('mnist');
    const images = Math.min(positiveInt(args, 'images', quick ? 500 : data.test.count), data.test.count);
    const batchSize = positiveInt(args, 'batch', quick ? 250 : 1_000);
    const steps = positiveInt(args, 'steps', quick ? 10 : 40);
    const throughputImages = positiveInt(args, 'throughput-images', quick ? 200 : 1_000);
    const repeats = positiveInt(args, 'repeats', quick ? 1 : 3);
    const pytorchThreads = positiveInt(args, 'pytorch-threads', 2);
    const torch = args.includes('--no-pytorch') ? null : pytorchVersion();
    // Shared with the repair suite: the repository's git-ignored tmp/ holds every trained recipe once.
    const modelDir = flag(args, 'model-dir') ?? join(root, 'tmp', 'bench-models');
    console.log(`backend ${backend.name}; PyTorch ${torch ?? 'not available'}; robust accuracy on ${images} test images, batch ${batchSize}, PGD ${steps} steps`);

    const models = await attackBenchModels(data, modelDir, quick);
    try {
      const throughput = await measureThroughput(models['cnn-light'], data, backend.name, { images: throughputImages, epsilon: 0.1, steps, repeats, torch, pytorchThreads, seed: 0, root });
      const libraryVersions = { '@tensorflow/tfjs-core': tf.version_core, ...(torch ? { torch } : {}) };
      const started = performance.now();
      const reports: RobustnessReport[] = [];
      for (const [name, title] of [
        ['mlp', 'MLP 784-128-128-10 (BP) on MNIST'],
        ['cnn-light', 'CNNLight (BP) on MNIST'],
      ] as const) {
        reports.push(await measureRobustness(models[name], title, data, { images, batchSize, steps, seed: 0, backend: backend.name, libraryVersions }));
      }
      const sweepSeconds = (performance.now() - started) / 1000;
      console.log(`  robust accuracy sweeps: ${sweepSeconds.toFixed(0)} s`);

      const parts: string[] = [
        '# Attacks benchmarks',
        `Generated by \`npm run bench -- attacks${args.length ? ` ${args.join(' ')}` : ''}\` (apps/bench/src/suites/attacks.ts; PyTorch peer attacks.py) on ${backend.name}, ${new Date().toISOString().slice(0, 10)}. ` +
          `The robust-accuracy sweeps (${images.toLocaleString('en-US')} test images per model, FGSM, PGD-${steps} and PGD-${steps} with the margin loss in L∞ at ${linfEpsilons.join(', ')}, PGD-${steps} L2 at ${l2Epsilons.join(', ')}, plus the pointwise L∞ worst case) took ${Math.round(sweepSeconds)} s on a shared 2-core machine.`,
        '## Models',
        'Both are trained with BP by `@liftguard/models` (`mlp` / `cnnLight` + `trainClassifier`) and cached on disk by recipe (`tmp/bench-models/<cache entry>`, shared with the repair suite), so re-runs load them; the hash identifies the weights file. ' +
          'Each model also has an HTML report rendered by `@liftguard/report` (`attacks.mlp.html`, `attacks.cnn-light.html`).',
        modelsMarkdown([models.mlp, models['cnn-light']], reports),
        '## Throughput on CNNLight',
        throughputMarkdown(throughput),
      ];
      for (const [i, report] of reports.entries()) {
        const name = i === 0 ? 'mlp' : 'cnn-light';
        const prefix = `attacks.${name}-`;
        const { markdown, figures } = await renderMarkdown(report, { figurePrefix: prefix, headingOffset: 1 });
        for (const f of figures) writeFileSync(join(root, 'docs', 'benchmarks', `${prefix}${f.name}`), f.svg);
        writeFileSync(join(root, 'docs', 'benchmarks', `attacks.${name}.html`), await renderHtml(report));
        parts.push(markdown);
      }
      writeResults(
        root,
        'benchmarks',
        'attacks',
        {
          machine: machineInfo(),
          quick,
          args,
          models: Object.fromEntries(Object.entries(models).map(([k, m]) => [k, { key: m.key, recipe: m.recipe, weightsSha256: m.weightsSha256, trainedInThisRun: m.trained, trainSeconds: m.trainSeconds }])),
          throughput,
          sweepSeconds,
          reports,
        },
        parts.join('\n\n'),
      );
    } finally {
      models.mlp.classifier.dispose();
      models['cnn-light'].classifier.dispose();
    }
  },
};
