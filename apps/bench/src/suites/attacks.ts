// Robust accuracy vs ε of the BP-trained MLP and CNNLight (@liftguard/models, cached) on the MNIST
// test set — FGSM, PGD-40, margin PGD, their worst case and the standard AutoAttack suite with its
// gradient-masking checks — and FGSM / L∞ PGD-40 throughput on CNNLight next to PyTorch on the same
// weights and images in the same run. Inputs are clipped to [0, 1] unless --unclipped (then the
// results are attacks-unclipped.*). Flags: --quick, --no-pytorch, --images=N (robust accuracy,
// default all 10,000), --batch=N, --steps=N, --autoattack=standard|quick|none, --unclipped,
// --reuse-throughput (keep the throughput section of the previous results file), --render (re-render
// the Markdown, figures and HTML from the results file), --throughput-images=N,
// --repeats=N, --pytorch-threads=N, --model-dir=DIR.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadDataset } from '@liftguard/data';
import { renderHtml, renderMarkdown, type RobustnessReport } from '@liftguard/report';
import { initBackend } from '@liftguard/tensor';
import { markdownTable, machineInfo, writeResults, type MachineInfo } from '../results.js';
import { pytorchVersion } from '../pytorch.js';
import type { BenchSuite } from '../suite.js';
import { attackBenchModels, recipeText, type BenchModel, type MlpRecipe } from './attacks-models.js';
import { l2Epsilons, linfEpsilons, measureRobustness, type SuiteSummary, type SweepSummary } from './attacks-robustness.js';
import { measureThroughput, type ThroughputResult } from './attacks-throughput.js';
import type { PretrainRecipe } from './repair-models.js';

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

/** The FGSM / PGD sweeps of one model in a results file, kept when a later run uses fewer images. */
interface PublishedSweep {
  model: string;
  modelHash: string;
  cleanAccuracy: number;
  images: number;
  createdAt: string;
  bounds: string;
  rows: SweepSummary[];
}

interface PreviousResults {
  throughput?: ThroughputResult & { reusedFrom?: string };
  reports?: RobustnessReport[];
  published?: PublishedSweep[];
  machine?: { date?: string };
}

/** The previous run's full-size sweeps (or the ones it carried), to keep beside a smaller re-run. */
function publishedSweeps(previous: PreviousResults | null, images: number): PublishedSweep[] {
  if (previous?.published) return previous.published;
  return (previous?.reports ?? [])
    .filter((r) => r.dataset.count !== images)
    .map((r) => ({
      model: r.model.id,
      modelHash: r.model.hash ?? '',
      cleanAccuracy: r.cleanAccuracy ?? NaN,
      images: r.dataset.count,
      createdAt: r.createdAt,
      bounds: JSON.stringify((r.attacks[0]?.config.run as { bounds?: unknown } | undefined)?.bounds ?? null),
      rows: [
        ...r.attacks.map((a) => ({ name: a.name, norm: a.norm, epsilons: a.epsilons, robustAccuracy: a.robustAccuracy ?? [] })),
        ...(r.worstCase ?? []).map((w) => ({ name: `worst case (${w.attacks.join(', ')})`, norm: w.norm, epsilons: w.epsilons, robustAccuracy: w.robustAccuracy ?? [] })),
      ],
    }));
}

const norms: Record<string, string> = { linf: 'L∞', l2: 'L2' };

/** FGSM / PGD rows and the suite's row per L∞ ε, on the same images. */
function comparisonMarkdown(title: string, sweeps: SweepSummary[], suite: SuiteSummary | null): string {
  const linf = sweeps.filter((r) => r.norm === 'linf');
  const rows = linf.map((r) => [r.name, ...r.robustAccuracy.map(percent)]);
  if (suite) rows.push([`**AutoAttack (${suite.version})**`, ...suite.robustAccuracy.map((a) => `**${percent(a)}**`)]);
  const parts = [`**${title}** — robust accuracy (L∞)`, markdownTable(['attack', ...linfEpsilons.map((e) => `ε = ${e}`)], rows)];
  if (suite) {
    parts.push(
      `Per-stage breakdown of the suite (broken / attacked, robust accuracy after the stage, seconds; the first stage's broken count includes the clean-misclassified images, which are not attacked; ${suite.seconds.toFixed(0)} s in all):`,
      markdownTable(
        ['ε', ...suite.stages.map((s) => s.name), 'suite'],
        suite.epsilons.map((e, i) => [e, ...suite.stages.map((s) => `${s.broken[i]} / ${s.attacked[i]}, ${percent(s.robustAccuracy[i]!)}, ${s.seconds[i]!.toFixed(0)} s`), percent(suite.robustAccuracy[i]!)]),
      ),
      `Gradient-masking checks (\`gradientMaskingChecks\` on the suite, FGSM beside it and 64 probe images): ${suite.maskingWarnings.length === 0 ? 'none fired.' : suite.maskingWarnings.map((w) => `**${w.check}**: ${w.message}`).join('; ')}`,
    );
  }
  return parts.join('\n\n');
}

/** Points by which a row overstates robust accuracy relative to the suite, per ε. */
function gap(row: SweepSummary | undefined, suite: SuiteSummary): string {
  if (!row) return '—';
  return row.robustAccuracy.map((a, i) => `${(100 * (a - suite.robustAccuracy[i]!)).toFixed(1)}`).join(' / ');
}

/** What the suite changed, in prose with the numbers (issue #18). */
function changesMarkdown(measured: { name: string; sweeps: SweepSummary[]; suite: SuiteSummary | null }[], published: PublishedSweep[], images: number, steps: number): string {
  const lines: string[] = [];
  for (const m of measured) {
    if (!m.suite) continue;
    const byName = (name: string) => m.sweeps.find((r) => r.norm === 'linf' && r.name === name);
    const pgd = byName('pgd');
    const worst = m.sweeps.find((r) => r.name.startsWith('worst case'));
    const fgsmRow = byName('fgsm');
    const eps = linfEpsilons.join(' / ');
    lines.push(
      `- **${m.name}** (first ${images.toLocaleString('en-US')} test images, ε ${eps}): AutoAttack ${m.suite.robustAccuracy.map(percent).join(' / ')}; ` +
        `PGD-${steps} sits ${gap(pgd, m.suite)} points above it, the FGSM + PGD + margin-PGD worst case ${gap(worst, m.suite)} points, FGSM ${gap(fgsmRow, m.suite)} points. ` +
        `Masking checks: ${m.suite.maskingWarnings.length === 0 ? 'none fired' : m.suite.maskingWarnings.map((w) => w.check).join(', ')}.`,
    );
    const old = published.find((p) => p.model.startsWith(m.name === 'MLP' ? 'mlp' : 'cnn-light'));
    const oldPgd = old?.rows.find((r) => r.norm === 'linf' && r.name === 'pgd');
    if (old && oldPgd && pgd) {
      lines.push(
        `  The published PGD row (${old.images.toLocaleString('en-US')} images, ${old.createdAt.slice(0, 10)}, weights \`${old.modelHash.replace('sha256:', '').slice(0, 16)}…\`) read ${oldPgd.robustAccuracy.map(percent).join(' / ')}; on this run's ${images.toLocaleString('en-US')} images PGD-${steps} reads ${pgd.robustAccuracy.map(percent).join(' / ')}, and the suite ${m.suite.robustAccuracy.map(percent).join(' / ')}.`,
      );
    }
  }
  return lines.join('\n');
}

/** A model as the results file records it. */
interface ModelRecord {
  key: string;
  recipe: MlpRecipe | PretrainRecipe;
  weightsSha256: string;
  trainedInThisRun: boolean;
  trainSeconds: number | null;
}

/** Everything attacks.json holds; the Markdown, figures and HTML are rendered from it alone. */
interface AttacksResults {
  machine: MachineInfo;
  quick: boolean;
  args: string[];
  bounds: [number, number] | null;
  autoAttack: 'standard' | 'quick' | null;
  models: { mlp: ModelRecord; 'cnn-light': ModelRecord };
  throughput: ThroughputResult & { reusedFrom?: string };
  sweepSeconds: number;
  suites: Record<string, SuiteSummary | null>;
  reports: RobustnessReport[];
  published: PublishedSweep[];
}

function modelsMarkdown(models: ModelRecord[], reports: RobustnessReport[]): string {
  return markdownTable(
    ['model', 'recipe', 'weights SHA-256', 'cache entry', 'clean test accuracy'],
    models.map((m, i) => [m.recipe.model, recipeText(m.recipe), `\`${m.weightsSha256.slice(0, 16)}…\``, `\`${m.key}\``, `${(100 * reports[i]!.cleanAccuracy!).toFixed(2)} % (${reports[i]!.dataset.count.toLocaleString('en-US')} images)`]),
  );
}

/** A report's L∞ / L2 rows and its first worst case (FGSM, PGD, PGD margin), as the comparison shows them. */
function sweepsOf(report: RobustnessReport): SweepSummary[] {
  const worst = report.worstCase?.[0];
  return [
    ...report.attacks.map((a) => ({ name: a.name, norm: a.norm, epsilons: a.epsilons, robustAccuracy: a.robustAccuracy ?? [] })),
    ...(worst ? [{ name: 'worst case (FGSM, PGD, PGD margin)', norm: worst.norm, epsilons: worst.epsilons, robustAccuracy: worst.robustAccuracy ?? [] }] : []),
  ];
}

const modelNames = [
  ['mlp', 'MLP 784-128-128-10 (BP) on MNIST', 'MLP'],
  ['cnn-light', 'CNNLight (BP) on MNIST', 'CNNLight'],
] as const;

/** Writes docs/benchmarks/<name>.{json,md}, the figures and the HTML reports from `results`. */
async function writeAttacksResults(root: string, resultsName: string, results: AttacksResults): Promise<void> {
  const { args, bounds, autoAttack: suiteVersion, throughput, reports, published } = results;
  const unclipped = bounds === null;
  const images = reports[0]!.dataset.count;
  const steps = (reports[0]!.attacks.find((a) => a.name === 'pgd')?.config.attack as { steps?: number } | undefined)?.steps ?? 40;
  const backend = reports[0]!.environment.backend;
  const measured = modelNames.map(([, title, label], i) => ({ name: label, title, sweeps: sweepsOf(reports[i]!), suite: results.suites[label] ?? null }));
  const publishedImages = published[0]?.images;
  const weightsChanged = published
    .map((p) => {
      const record = p.model.startsWith('mlp') ? results.models.mlp : results.models['cnn-light'];
      return p.modelHash.replace('sha256:', '') === record.weightsSha256 ? null : `${record.recipe.model} \`${p.modelHash.replace('sha256:', '').slice(0, 16)}…\` → \`${record.weightsSha256.slice(0, 16)}…\``;
    })
    .filter((w): w is string => w !== null);
  const parts: string[] = [
    unclipped ? '# Attacks benchmarks — UNCLIPPED (inputs not projected to [0, 1]; not the default threat model)' : '# Attacks benchmarks',
    `Generated by \`npm run bench -- attacks${args.length ? ` ${args.join(' ')}` : ''}\` (apps/bench/src/suites/attacks.ts; PyTorch peer attacks.py) on ${backend}, ${results.machine.date.slice(0, 10)}. ` +
      `The robust-accuracy sweeps (${images.toLocaleString('en-US')} test images per model, ${unclipped ? '**unclipped**' : 'adversarials clipped to [0, 1]'}; FGSM, PGD-${steps} and PGD-${steps} with the margin loss in L∞ at ${linfEpsilons.join(', ')}, PGD-${steps} L2 at ${l2Epsilons.join(', ')}, the pointwise L∞ worst case${suiteVersion ? `, and the ${suiteVersion} AutoAttack suite in L∞ with its gradient-masking checks` : ''}) took ${Math.round(results.sweepSeconds)} s on a shared 2-core machine.`,
  ];
  if (suiteVersion) {
    parts.push(
      `## What the ${suiteVersion} AutoAttack suite changes`,
      `Earlier versions of this page reported FGSM and PGD only. Issue #18 asks for the standard suite (Croce & Hein 2020: APGD-CE, APGD-T with 9 targets, FAB-T with 9 targets, Square with 5,000 queries, each on the survivors of the ones before) beside them, with the FGSM / PGD columns kept for continuity. ` +
        `The suite is costly on a shared 2-core machine, so every number in the comparison below — FGSM and PGD included — is on the same first ${images.toLocaleString('en-US')} test images${publishedImages && publishedImages !== images ? `, not the ${publishedImages.toLocaleString('en-US')} of the published sweep (which is kept at the end of this page, labelled)` : ''}. ` +
        `The threat model is unchanged: ${unclipped ? 'this run is **unclipped**' : 'these attacks, like the published ones, clip to [0, 1]'}. ` +
        'Differences are "row minus suite" in accuracy points at each ε; a positive number is how much that attack overstates robustness. ' +
        `On ${images.toLocaleString('en-US')} images one image is ${(100 / images).toFixed(2)} points and the binomial standard error at 50 % is ${(50 / Math.sqrt(images)).toFixed(1)} points; the row-minus-suite gaps are paired (same images and weights) and tighter than that.` +
        (weightsChanged.length > 0
          ? ` **The weights changed too**: the published weights were not in the model cache, and retraining the same recipes with today's packages gave different weights (${weightsChanged.join('; ')}), so a change from the published rows mixes new weights, fewer images and stronger attacks; the suite-versus-PGD gaps, measured on the same weights and images, are the clean comparison.`
          : ''),
      changesMarkdown(measured, published, images, steps),
      ...measured.map((m) => comparisonMarkdown(m.title, m.sweeps, m.suite)),
    );
  }
  parts.push(
    '## Models',
    'Both are trained with BP by `@liftguard/models` (`mlp` / `cnnLight` + `trainClassifier`) and cached on disk by recipe (`tmp/bench-models/<cache entry>`, shared with the repair suite), so re-runs load them; the hash identifies the weights file. ' +
      `Each model also has an HTML report rendered by \`@liftguard/report\` (\`${resultsName}.mlp.html\`, \`${resultsName}.cnn-light.html\`).`,
    modelsMarkdown([results.models.mlp, results.models['cnn-light']], reports),
    '## Throughput on CNNLight',
    ...(throughput.reusedFrom ? [`**Not re-run in this run** (\`--reuse-throughput\`): the section below is the measurement of ${throughput.reusedFrom.slice(0, 10)}, on the CNNLight weights \`${throughput.modelHash.replace('sha256:', '').slice(0, 16)}…\` of that run.`] : []),
    throughputMarkdown(throughput),
  );
  for (const [i, report] of reports.entries()) {
    const name = modelNames[i]![0];
    const prefix = `${resultsName}.${name}-`;
    const { markdown, figures } = await renderMarkdown(report, { figurePrefix: prefix, headingOffset: 1 });
    for (const f of figures) writeFileSync(join(root, 'docs', 'benchmarks', `${prefix}${f.name}`), f.svg);
    writeFileSync(join(root, 'docs', 'benchmarks', `${resultsName}.${name}.html`), await renderHtml(report));
    parts.push(markdown);
  }
  for (const p of published) {
    parts.push(
      `## Published ${p.images.toLocaleString('en-US')}-image sweep of ${p.model.startsWith('mlp') ? 'the MLP' : 'CNNLight'} — FGSM / PGD only (superseded by the AutoAttack comparison above)`,
      `From the run of ${p.createdAt.slice(0, 10)} (weights \`${p.modelHash.replace('sha256:', '').slice(0, 16)}…\`, clean accuracy ${(100 * p.cleanAccuracy).toFixed(2)} %, bounds ${p.bounds === 'null' ? '**none (unclipped)**' : `${p.bounds} (clipped)`}), kept for continuity; no AutoAttack was run there.`,
      markdownTable(['attack', 'norm', 'ε', 'robust accuracy'], p.rows.map((r) => [r.name, norms[r.norm] ?? r.norm, r.epsilons.join(' / '), r.robustAccuracy.map(percent).join(' / ')])),
    );
  }
  writeResults(root, 'benchmarks', resultsName, results, parts.join('\n\n'));
}

export const suite: BenchSuite = {
  name: 'attacks',
  description: 'robust accuracy vs ε (MLP, CNNLight from @liftguard/models on the MNIST test set): FGSM, PGD-40, margin PGD, worst case and the standard AutoAttack suite with gradient-masking checks, clipped to [0, 1] unless --unclipped; FGSM / L∞ PGD-40 throughput on CNNLight next to PyTorch on the same weights',
  async run({ root, args, quick }) {
    const unclipped = args.includes('--unclipped');
    const resultsName = unclipped ? 'attacks-unclipped' : 'attacks';
    const previousPath = join(root, 'docs', 'benchmarks', `${resultsName}.json`);
    if (args.includes('--render')) {
      // Re-renders the Markdown, figures and HTML from the results file alone.
      if (!existsSync(previousPath)) throw new Error(`--render: ${previousPath} does not exist`);
      await writeAttacksResults(root, resultsName, JSON.parse(readFileSync(previousPath, 'utf8')) as AttacksResults);
      return;
    }
    const backend = await initBackend({ quiet: true });
    const data = await loadDataset('mnist');
    const images = Math.min(positiveInt(args, 'images', quick ? 500 : data.test.count), data.test.count);
    const batchSize = positiveInt(args, 'batch', quick ? 250 : 1_000);
    const steps = positiveInt(args, 'steps', quick ? 10 : 40);
    const throughputImages = positiveInt(args, 'throughput-images', quick ? 200 : 1_000);
    const repeats = positiveInt(args, 'repeats', quick ? 1 : 3);
    const pytorchThreads = positiveInt(args, 'pytorch-threads', 2);
    const torch = args.includes('--no-pytorch') ? null : pytorchVersion();
    // One threat model everywhere (issue #18): clipped to [0, 1] unless asked, and an unclipped run is named so, file names included.
    const bounds = unclipped ? null : ([0, 1] as [number, number]);
    const suiteFlag = flag(args, 'autoattack') ?? (quick ? 'quick' : 'standard');
    if (suiteFlag !== 'standard' && suiteFlag !== 'quick' && suiteFlag !== 'none') throw new Error(`--autoattack must be standard, quick or none, got '${suiteFlag}'`);
    const suiteVersion = suiteFlag === 'none' ? null : suiteFlag;
    const previous = existsSync(previousPath) ? (JSON.parse(readFileSync(previousPath, 'utf8')) as PreviousResults) : null;
    const reuseThroughput = args.includes('--reuse-throughput');
    if (reuseThroughput && !previous?.throughput) throw new Error(`--reuse-throughput: ${previousPath} has no throughput section to reuse`);
    // Shared with the repair suite: the repository's git-ignored tmp/ holds every trained recipe once.
    const modelDir = flag(args, 'model-dir') ?? join(root, 'tmp', 'bench-models');
    console.log(`backend ${backend.name}; PyTorch ${torch ?? 'not available'}; robust accuracy on ${images} test images, batch ${batchSize}, PGD ${steps} steps, AutoAttack ${suiteVersion ?? 'not run'}, ${unclipped ? 'UNCLIPPED' : 'clipped to [0, 1]'}`);

    const models = await attackBenchModels(data, modelDir, quick);
    try {
      const throughput: ThroughputResult & { reusedFrom?: string } = reuseThroughput
        ? { ...previous!.throughput!, reusedFrom: previous!.throughput!.reusedFrom ?? previous!.machine?.date ?? 'the previous run' }
        : await measureThroughput(models['cnn-light'], data, backend.name, { images: throughputImages, epsilon: 0.1, steps, repeats, torch, pytorchThreads, seed: 0, root });
      const libraryVersions = { '@tensorflow/tfjs-core': tf.version_core, ...(torch ? { torch } : {}) };
      const started = performance.now();
      const measured: { name: string; title: string; report: RobustnessReport; sweeps: SweepSummary[]; suite: SuiteSummary | null }[] = [];
      for (const [name, title, label] of modelNames) {
        const m = await measureRobustness(models[name], unclipped ? `${title} — UNCLIPPED` : title, data, { images, batchSize, steps, seed: 0, bounds, suite: suiteVersion, backend: backend.name, libraryVersions });
        measured.push({ name: label, title, ...m });
      }
      const sweepSeconds = (performance.now() - started) / 1000;
      console.log(`  robust accuracy sweeps: ${sweepSeconds.toFixed(0)} s`);
      const published = publishedSweeps(previous, images);

      const record = (m: BenchModel): ModelRecord => ({ key: m.key, recipe: m.recipe, weightsSha256: m.weightsSha256, trainedInThisRun: m.trained, trainSeconds: m.trainSeconds });
      await writeAttacksResults(root, resultsName, {
        machine: machineInfo(),
        quick,
        args,
        bounds,
        autoAttack: suiteVersion,
        models: { mlp: record(models.mlp), 'cnn-light': record(models['cnn-light']) },
        throughput,
        sweepSeconds,
        suites: Object.fromEntries(measured.map((m) => [m.name, m.suite])),
        reports: measured.map((m) => m.report),
        published,
      });
    } finally {
      models.mlp.classifier.dispose();
      models['cnn-light'].classifier.dispose();
    }
  },
};
