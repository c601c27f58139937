// Robust accuracy vs ε of one model on MNIST test images, through @liftguard/attacks and
// @liftguard/report exactly as a user would call them.
import * as tf from '@tensorflow/tfjs-core';
import { autoAttack, fgsm, gradientMaskingChecks, pgd, runAttack, runAttacks, type Attack, type Bounds, type MaskingWarning } from '@liftguard/attacks';
import type { Dataset } from '@liftguard/data';
import { attackEntry, exampleImagesBlock, robustnessReport as buildRobustnessReport, worstCaseEntry, type RobustnessReport, type WorstCaseEntry } from '@liftguard/report';
import type { BenchModel } from './attacks-models.js';

export interface RobustnessOptions {
  /** The first `images` test images. */
  images: number;
  /** Examples per forward/backward pass. */
  batchSize: number;
  /** PGD steps (ATTACKS.md default 40; step 2.5ε/steps). */
  steps: number;
  seed: number;
  /** [0, 1] (the default threat model) or null for an unclipped run, which the report then names. */
  bounds: Bounds;
  /** The AutoAttack version run beside FGSM / PGD in L∞, or null for none. */
  suite: 'standard' | 'quick' | null;
  backend: string;
  libraryVersions: Record<string, string>;
}

/** The AutoAttack run on one model: robust accuracy per L∞ ε, per-stage breakdown and the gradient-masking warnings. */
export interface SuiteSummary {
  version: 'standard' | 'quick';
  epsilons: number[];
  robustAccuracy: number[];
  stages: { name: string; attacked: number[]; broken: number[]; robustAccuracy: number[]; seconds: number[] }[];
  seconds: number;
  maskingWarnings: MaskingWarning[];
}

/** One attack's L∞ / L2 curve, for the comparison table. */
export interface SweepSummary {
  name: string;
  norm: string;
  epsilons: number[];
  robustAccuracy: number[];
}

export interface RobustnessMeasurement {
  report: RobustnessReport;
  sweeps: SweepSummary[];
  suite: SuiteSummary | null;
}

export const linfEpsilons = [0.05, 0.1, 0.2, 0.3];
export const l2Epsilons = [0.5, 1, 2];

const percent = (v: number) => `${(100 * v).toFixed(2)} %`;

export async function measureRobustness(model: BenchModel, title: string, data: Dataset, options: RobustnessOptions, log: (line: string) => void = console.log): Promise<RobustnessMeasurement> {
  const { images: count, steps } = options;
  const flat = model.classifier.inputShape.length === 1;
  const pixels = data.test.images.subarray(0, count * 784);
  const x = flat ? tf.tensor2d(pixels, [count, 784]) : tf.tensor4d(pixels, [count, 28, 28, 1]);
  const labels = data.test.labels.slice(0, count);
  const run = { batchSize: options.batchSize, seed: options.seed, bounds: options.bounds };
  // Cross-entropy PGD plus the margin (CW-style) loss in L∞: the MLP is trained with squared
  // loss, whose small logits can make cross-entropy gradients a weaker guide.
  const sweeps: [string, Attack, number[]][] = [
    ['fgsm', fgsm(), linfEpsilons],
    ['pgd', pgd({ norm: 'linf', steps }), linfEpsilons],
    ['pgd (margin loss)', pgd({ norm: 'linf', steps, loss: 'margin' }), linfEpsilons],
    ['pgd', pgd({ norm: 'l2', steps }), l2Epsilons],
  ];
  const entries = [];
  const summaries: SweepSummary[] = [];
  let clean: number | null = null;
  let fgsmCurve: { epsilons: number[]; robustAccuracy: number[]; cleanAccuracy: number } | undefined;
  let examples;
  for (const [name, attack, epsilons] of sweeps) {
    const keep = attack.config.attack === 'pgd' && attack.config.norm === 'linf' && attack.config.loss === 'cross-entropy';
    const result = await runAttack(model.classifier, { x, labels }, attack, { ...run, epsilons, returnAdversarials: keep });
    clean = result.cleanAccuracy;
    entries.push(attackEntry(result, name));
    summaries.push({ name, norm: attack.config.norm, epsilons, robustAccuracy: result.robustAccuracy! });
    if (attack.config.attack === 'fgsm') fgsmCurve = { epsilons, robustAccuracy: result.robustAccuracy!, cleanAccuracy: result.cleanAccuracy! };
    log(`  ${model.recipe.model} ${name} ${attack.config.norm} on ${count} images: clean ${percent(clean!)}, ${result.robustAccuracy!.map((a, i) => `ε=${epsilons[i]}: ${percent(a)}`).join(', ')} (${(result.timings.totalMs / 1000).toFixed(0)} s)`);
    if (keep) {
      // The first two images PGD broke at ε = 0.1.
      const e = epsilons.indexOf(0.1);
      const broken = result.success[e]!.flatMap((s, i) => (s && result.cleanPredictions[i] === labels[i] ? [i] : [])).slice(0, 2);
      const adversarial = result.clipped[e]!.dataSync();
      examples = exampleImagesBlock(
        broken.map((i) => ({
          original: pixels.subarray(i * 784, (i + 1) * 784),
          adversarial: adversarial.subarray(i * 784, (i + 1) * 784),
          label: `${labels[i]} → ${result.adversarialPredictions[e]![i]}`,
        })),
        28,
        28,
        `${model.recipe.model}: PGD L∞ ε = 0.1 examples (original, perturbation, adversarial)`,
      );
      tf.dispose([...result.raw, ...result.clipped]);
    }
  }
  // Pointwise worst case in L∞: each attack only spends effort on the images the earlier ones did not break.
  const worst = await runAttacks(model.classifier, { x, labels }, [fgsm(), pgd({ norm: 'linf', steps }), pgd({ norm: 'linf', steps, loss: 'margin' })], { ...run, epsilons: linfEpsilons, returnAdversarials: false });
  log(`  ${model.recipe.model} worst case of FGSM, PGD, PGD margin (L∞): ${worst.robustAccuracy!.map((a, i) => `ε=${linfEpsilons[i]}: ${percent(a)}`).join(', ')} (${(worst.timings.totalMs / 1000).toFixed(0)} s)`);
  summaries.push({ name: 'worst case (FGSM, PGD, PGD margin)', norm: 'linf', epsilons: linfEpsilons, robustAccuracy: worst.robustAccuracy! });
  // The standard AutoAttack suite (APGD-CE → APGD-T → FAB-T → Square, each on the survivors) and the masking checks.
  let suite: SuiteSummary | null = null;
  let suiteEntry: WorstCaseEntry | null = null;
  if (options.suite !== null) {
    const started = performance.now();
    const result = await autoAttack(model.classifier, { x, labels }, { norm: 'linf', version: options.suite, ...run, epsilons: linfEpsilons, returnAdversarials: false });
    const maskingWarnings = gradientMaskingChecks({ suite: result, singleStep: fgsmCurve ? [{ name: 'FGSM', result: fgsmCurve }] : [], model: model.classifier, x, labels });
    suite = {
      version: options.suite,
      epsilons: linfEpsilons,
      robustAccuracy: result.robustAccuracy!,
      stages: result.stages.map((s) => ({ name: s.name, attacked: [...s.attacked], broken: [...s.broken], robustAccuracy: [...s.robustAccuracy!], seconds: s.timingsMs.map((ms) => ms / 1000) })),
      seconds: (performance.now() - started) / 1000,
      maskingWarnings,
    };
    suiteEntry = worstCaseEntry(result);
    log(`  ${model.recipe.model} AutoAttack (${options.suite}): ${suite.robustAccuracy.map((a, i) => `ε=${linfEpsilons[i]}: ${percent(a)}`).join(', ')} (${suite.seconds.toFixed(0)} s); masking checks: ${maskingWarnings.length === 0 ? 'none fired' : maskingWarnings.map((w) => w.check).join(', ')}`);
  }
  x.dispose();
  const boundsText = options.bounds === null ? '**unclipped** (no [0, 1] bounds: adversarials may leave the valid pixel range)' : `bounds [${options.bounds.join(', ')}] (adversarials clipped to the valid pixel range)`;
  const report = buildRobustnessReport(title, { backend: options.backend, libraryVersions: options.libraryVersions, node: process.version, platform: `${process.platform}-${process.arch}` }, {
    dataset: { name: 'mnist', split: count === data.test.count ? 'test (all)' : `test (first ${count})`, count },
    model: { id: model.key, hash: `sha256:${model.weightsSha256}` },
    cleanAccuracy: clean,
    attacks: entries,
    worstCase: [marginNamed(worstCaseEntry(worst)), ...(suiteEntry ? [suiteEntry] : [])],
    ...(examples ? { examples } : {}),
    notes: [
      `Weights: ${model.recipeText}; trained with @liftguard/models (trainClassifier) ${model.trained ? `in this run (${model.trainSeconds!.toFixed(0)} s)` : 'in an earlier run and loaded from the cache'}, cache entry ${model.key}.`,
      `Attacks: ${count.toLocaleString('en-US')} MNIST test images in batches of ${options.batchSize}, untargeted on the true labels, ${boundsText}, cross-entropy on logits (the margin loss max_{j≠y} z_j − z_y where a row says so); PGD ${steps} steps of 2.5ε/${steps} with a uniform random start, 1 restart, seed ${options.seed}; FGSM is one step of ε without random start. ` +
        'The L∞ worst case (runAttacks) runs FGSM, then PGD (cross-entropy) on the images FGSM did not break, then PGD (margin loss) on the rest; its PGDs draw their own random starts, so a stage can sit a few images above the standalone row.',
      ...(suite
        ? [
            `AutoAttack (${suite.version}, autoAttack from @liftguard/attacks): APGD-CE, APGD-T, FAB-T and Square, each on the images the ones before did not break, the same images, bounds and seed; ${suite.seconds.toFixed(0)} s. ` +
              `Gradient-masking checks (gradientMaskingChecks: the suite, FGSM beside it, and 64 probe images): ${suite.maskingWarnings.length === 0 ? 'none fired.' : suite.maskingWarnings.map((w) => `${w.check}: ${w.message}`).join('; ')}`,
          ]
        : []),
    ],
  });
  return { report, sweeps: summaries, suite };
}

/** Names the margin-loss PGD stage apart from the cross-entropy one (both are 'pgd'). */
function marginNamed(entry: WorstCaseEntry): WorstCaseEntry {
  const names = entry.stages.map((stage, i) => ((entry.config.attacks as { loss?: string }[] | undefined)?.[i]?.loss === 'margin' ? `${stage.name} (margin loss)` : stage.name));
  return { ...entry, attacks: names, stages: entry.stages.map((stage, i) => ({ ...stage, name: names[i]! })) };
}
