import * as tf from '@tensorflow/tfjs-core';
import { attackInternalLayers, gradientMaskingChecks, normStrategy, runAttacks, type Attack, type AttackGoal, type WorstCaseResult } from '@liftguard/attacks';
import { internalLayers } from '@liftguard/losses';
import { exampleImagesBlock, internalLayersEntry, renderHtml, robustnessReport, worstCaseEntry, type RobustnessReport } from '@liftguard/report';
import { numberListOption, numberOption, requiredOption, seedOption } from '../args.js';
import { attackOptions, resolveAttacks } from '../attack-options.js';
import type { Command, OptionValues } from '../command.js';
import { attackUntilInterrupted } from '../interrupt.js';
import type { Output } from '../output.js';
import { dataOptions, loadEvaluationSet, userDataOptions, type EvaluationSet } from '../data-options.js';
import { writeFileAtomic } from '@liftguard/tensor/files';
import { reportEnvironment } from '../environment.js';
import { claimFile, claimOutput } from '../output-target.js';
import { CliError, UsageError } from '../errors.js';
import { imagesTensor } from '@liftguard/data';
import { checkModelFitsImages, modelHash } from '../model-options.js';
import { shardOf } from '../shards.js';
import { attackInWorkers, workerCount } from '../parallel-attack.js';
import { isSequential, loadUserModel, userModelOptions } from '../user-model.js';
import type { Classifier } from '@liftguard/tensor';

export const attackCommand: Command = {
  name: 'attack',
  summary: 'attack a saved model (FGSM/PGD, ε list, worst case; internal layers of MLPs); writes a robustness report',
  usage: 'liftguard attack --model DIR --out FILE.json [--attacks fgsm,pgd] [--norm linf] [--eps LIST] [--internal-rho LIST]',
  examples: [
    'liftguard attack --model runs/bp --out runs/bp/robustness.json',
    'liftguard attack --model runs/arovr --out r.json --norm l2 --eps 0.5,1,2 --restarts 3 --html r.html',
    'liftguard attack --model runs/arovr --out r.json --internal-rho 0.05,0.1,0.2,0.5',
  ],
  options: {
    model: { type: 'string', placeholder: 'PATH', description: 'a folder written by liftguard, or a tfjs model.json (LayersModel or GraphModel) or its folder' },
    ...userModelOptions,
    out: { type: 'string', placeholder: 'FILE', description: 'where the JSON robustness report goes' },
    html: { type: 'string', placeholder: 'FILE', description: 'also render the report as a self-contained HTML page' },
    ...attackOptions,
    'internal-rho': { type: 'string', placeholder: 'LIST', description: 'internal-layer attacks at these relative radii ρ (MLPs)' },
    examples: { type: 'string', placeholder: 'N', description: 'example images in the report', default: '4' },
    ...dataOptions,
    ...userDataOptions,
    split: { type: 'string', placeholder: 'NAME', description: 'test | validation', default: 'test' },
    count: { type: 'string', placeholder: 'N', description: 'images to attack (first N of the split)', default: '1000' },
    workers: { type: 'string', placeholder: 'N|auto', description: 'processes sharing the attack, each on whole batches, merged exactly (auto: half the cores when there are at least 4, else 1)', default: 'auto' },
    shard: { type: 'string', placeholder: 'I/N', description: "attack only shard I of N (0-based; whole batches of 250) of those images; 'liftguard merge' joins the shard reports into the report of one run" },
  },
  async run({ values, output, backend }) {
    const modelDir = requiredOption(values, 'model');
    const out = requiredOption(values, 'out');
    const { attacks, norm, goal } = resolveAttacks(values);
    const epsilons = numberListOption(values, 'eps', 0) ?? [...normStrategy(norm).defaultEpsilons];
    const rhos = numberListOption(values, 'internal-rho', 0);
    const count = numberOption(values, 'count', { min: 1, integer: true })!;
    const exampleCount = numberOption(values, 'examples', { min: 0, integer: true })!;
    const seed = seedOption(values);
    const split = values.split === 'validation' ? 'validation' : values.split === 'test' ? 'test' : undefined;
    if (!split) throw new UsageError(`--split must be test or validation; got '${String(values.split)}'`);
    const lock = await claimOutput(out, values, 'attack');
    if (typeof values.html === 'string') await claimFile(values.html, values);
    try {
      const workers = values.shard === undefined ? workerCount(values, Math.ceil(count / batchSize)) : 1;
      if (workers > 1) {
        await writeMerged(out, values, output, await attackInWorkers(values, workers, (line) => output.note(line)));
        return;
      }
      await backend();
      await attackInto(out, values, output, { modelDir, attacks, norm, goal, epsilons, rhos, count, exampleCount, seed, split });
    } finally {
      await lock.release();
    }
  },
};

interface AttackSettings {
  modelDir: string;
  attacks: Attack[];
  norm: string;
  goal: AttackGoal;
  epsilons: number[];
  rhos: number[] | undefined;
  count: number;
  exampleCount: number;
  seed: number;
  split: 'test' | 'validation';
}

/** Attacks the model and writes the robustness report (and its HTML page) atomically. */
async function attackInto(out: string, values: OptionValues, output: Output, { modelDir, attacks, norm, goal, epsilons, rhos, count, exampleCount, seed, split }: AttackSettings): Promise<void> {
  const loaded = await loadUserModel(modelDir, values);
  const model = loaded.classifier;
  const bounds = model.inputRange ?? ([0, 1] as const);
  let evaluation: EvaluationSet;
  try {
    evaluation = await loadEvaluationSet(values, model, count, split);
  } catch (error) {
    loaded.dispose();
    throw error;
  }
  const { set } = evaluation;
  checkModelFitsImages(model, set.height, set.width, evaluation.name, set.channels ?? 1);
  const total = Math.min(count, set.count);
  const shard = shardOf(values, total, batchSize);
  const n = shard ? shard.end - shard.offset : total;
  const start = shard?.offset ?? 0;
  const x = imagesTensor(set, model.inputShape, n, start);
  const labels = set.labels.subarray(start, start + n);
  let result: WorstCaseResult | undefined;
  try {
    const progress = output.progress(`${attacks.map((a) => a.name).join('+')} on ${n} images`, 1);
    result = await attackUntilInterrupted((line) => output.note(line), (signal) => runAttacks(model, { x, labels }, attacks, { epsilons, goal, seed, batchSize, exampleOffset: start, bounds: [bounds[0], bounds[1]], signal }));
    progress.stop();
    const internal = rhos
      ? await attackInternalLayers(internalLayersOrExplain(model), x, labels, { rhos, seed, batchSize: 250 })
      : undefined;
    const grayscale = (set.channels ?? 1) === 1;
    // With a suite, the gradient-masking checks run on its stages and a probe of the first inputs.
    const warnings = values.suite === undefined ? [] : gradientMaskingChecks({ suite: result, model, x, labels });
    for (const w of warnings) output.note(`liftguard: gradient-masking check '${w.check}': ${w.message}`);
    const title = `Robustness of ${modelDir} on ${evaluation.name} ${split}${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`;
    const validated = robustnessReport(title, reportEnvironment(), {
      ...(shard ? { shard: { index: shard.index, count: shard.count, offset: shard.offset, total } } : {}),
      dataset: { name: evaluation.name, split, count: n },
      notes: [
        `Inputs in [${bounds[0]}, ${bounds[1]}] (${model.inputRange ? "the model's declared range" : 'the default range'}); ε is in these units and every adversarial input is clipped to this box.`,
        ...(evaluation.description ? [`Data: ${evaluation.description}.`] : []),
        ...(values.suite === undefined ? [] : [warnings.length === 0 ? 'Gradient-masking checks: none fired.' : `Gradient-masking checks fired: ${warnings.map((w) => `${w.check} (${w.message})`).join('; ')}`]),
      ],
      model: { id: modelDir, hash: modelHash(modelDir) },
      cleanAccuracy: result.cleanAccuracy,
      attacks: [],
      worstCase: [worstCaseEntry(result)],
      ...(internal ? { internalLayers: internalLayersEntry(internal) } : {}),
      ...(exampleCount > 0 && grayscale && result.clipped.length > 0 ? { examples: examples(result, set.images, set.height, set.width, exampleCount, epsilons) } : {}),
    });
    await writeFileAtomic(out, JSON.stringify(validated, null, 2) + '\n');
    if (typeof values.html === 'string') await writeFileAtomic(values.html, await renderHtml(validated));
    output.result(validated, () =>
      [
        `${modelDir} on ${n} ${evaluation.name} ${split} images: clean accuracy ${(100 * (result!.cleanAccuracy ?? 0)).toFixed(2)}%`,
        `worst case over ${attacks.map((a) => a.name).join(', ')} (${norm}): ` + epsilons.map((e, i) => `ε=${e}: ${(100 * result!.robustAccuracy![i]!).toFixed(2)}%`).join(', '),
        ...(internal ? internal.layers.map((l) => `internal layer ${l.layer}: ` + internal.config.rhos.map((r, i) => `ρ=${r}: ${(100 * l.robustAccuracy[i]!).toFixed(2)}%`).join(', ')) : []),
        `report: ${out}${typeof values.html === 'string' ? ` and ${values.html}` : ''}`,
      ].join('\n'),
    );
  } finally {
    x.dispose();
    if (result) tf.dispose(result.clipped);
    loaded.dispose();
  }
}

/** Writes a report the workers made, as one run would. */
async function writeMerged(out: string, values: OptionValues, output: Output, report: RobustnessReport): Promise<void> {
  await writeFileAtomic(out, JSON.stringify(report, null, 2) + '\n');
  if (typeof values.html === 'string') await writeFileAtomic(values.html, await renderHtml(report));
  const worst = report.worstCase[0]!;
  output.result(report, () =>
    [
      `${report.model.id} on ${report.dataset.count} ${report.dataset.name} ${report.dataset.split} images: clean accuracy ${(100 * (report.cleanAccuracy ?? 0)).toFixed(2)}%`,
      `worst case over ${worst.attacks.join(', ')} (${worst.norm}): ` + worst.epsilons.map((e, i) => `ε=${e}: ${(100 * worst.robustAccuracy![i]!).toFixed(2)}%`).join(', '),
      `report: ${out}${typeof values.html === 'string' ? ` and ${values.html}` : ''}`,
    ].join('\n'),
  );
}

/** Examples per batch of the attack; shards are cut at whole batches so their random streams match one run's. */
const batchSize = 250;

function internalLayersOrExplain(model: Classifier) {
  if (!isSequential(model)) throw new CliError('--internal-rho needs a LiftGuard MLP (its hidden layers are read as a lifted network)');
  try {
    return internalLayers(model);
  } catch (error) {
    throw new CliError(`--internal-rho: ${(error as Error).message}`);
  }
}

/** The first examples the attack succeeded on, at the middle ε, as original | perturbation | adversarial. */
function examples(result: WorstCaseResult, original: Float32Array, height: number, width: number, count: number, epsilons: number[]) {
  const e = Math.floor(epsilons.length / 2);
  const clipped = result.clipped[e]!;
  const size = height * width;
  const values = clipped.dataSync();
  const chosen = result.success[e]!.flatMap((ok, i) => (ok ? [i] : [])).slice(0, count);
  return exampleImagesBlock(
    chosen.map((i) => ({
      original: original.subarray(i * size, (i + 1) * size),
      adversarial: values.subarray(i * size, (i + 1) * size),
      label: `#${i}: ${result.cleanPredictions[i]} → ${result.adversarialPredictions[e]![i]} (ε = ${epsilons[e]})`,
    })),
    height,
    width,
    `Successful adversarial examples at ε = ${epsilons[e]}`,
  );
}
