import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { adversarialSet } from '@liftguard/attacks';
import { createRepairSolver, repairClassifier, repairSolvers } from '@liftguard/cutting-plane';
import { imagesTensor, sliceImageSet, type ImageSet } from '@liftguard/data';
import { saveClassifierFolder, saveTfjsModel } from '@liftguard/models/node';
import { repairReport } from '@liftguard/report';
import type { Classifier } from '@liftguard/tensor';
import { replaceFolderAtomically } from '@liftguard/tensor/files';
import { choiceOption, numberOption, requiredOption, seedOption } from '../args.js';
import type { Command, OptionValues } from '../command.js';
import { stopOnInterrupt } from '../interrupt.js';
import type { Output } from '../output.js';
import { claimOutput } from '../output-target.js';
import { keyValueOptions, registryChoices } from '../registry-options.js';
import { dataOptions, labelsFileOption, loadEvaluationSet, loadSplits, userDataOptions } from '../data-options.js';
import { reportEnvironment } from '../environment.js';
import { CliError, UsageError } from '../errors.js';
import { checkModelFitsImages } from '../model-options.js';
import { loadUserModel, userModelOptions } from '../user-model.js';
import { checkParametersFlag, chooseRepairParameters, repairParameterOption } from '../repair/repair-parameters.js';
import { splitRepairImages } from '../repair/repair-data.js';

/** The GPL-3.0 GLPK solvers register themselves like any plugin's, when @liftguard/lp-glpk is installed. */
async function registerOptionalSolvers(): Promise<void> {
  if (repairSolvers.has('glpk-l1')) return;
  const glpkPackage = '@liftguard/lp-glpk';
  try {
    const { registerGlpkSolvers } = (await import(/* @vite-ignore */ glpkPackage)) as { registerGlpkSolvers: () => void };
    registerGlpkSolvers();
  } catch {
    // Not installed: the registry lists what is there.
  }
}

export const repairCommand: Command = {
  name: 'repair',
  summary: 'cutting-plane repair of a model (LiftGuard or tfjs) on a few adversarial examples; writes the repaired model and a report',
  usage: 'liftguard repair --model PATH --out DIR [--data SOURCE] [--parameters WHICH] [--solver NAME] [--per-class 1] [--omega 0.4] [--iterations 20]',
  examples: [
    'liftguard repair --model runs/cnn --out runs/cnn-repaired',
    'liftguard repair --model runs/cnn --out runs/r --per-class 5 --omega 0.2 --iterations 10 --solver highs',
    'liftguard repair --model runs/mlp --out runs/r --parameters last:2 --solver glpk-l1',
    'liftguard repair --model mobilenet/model.json --input-range 0-255 --data photos/ --out runs/mobilenet-repaired --parameters last-dense',
  ],
  prepare: registerOptionalSolvers,
  options: {
    model: { type: 'string', placeholder: 'PATH', description: 'the model to repair: a folder written by liftguard, or a tfjs LayersModel model.json or its folder' },
    ...userModelOptions,
    out: { type: 'string', placeholder: 'DIR', description: 'where the repaired model and repair-report.json go' },
    'save-format': { type: 'string', placeholder: 'FORMAT', description: 'liftguard (LiftGuard models; with tfjs also DIR/tfjs/) or tfjs (model.json + weights.bin that plain tf.loadLayersModel reads); default: the format the model came in' },
    solver: { type: 'string', placeholder: 'NAME', get description() { return registryChoices(repairSolvers.entries()); }, default: 'dual' },
    'solver-option': { type: 'string', placeholder: 'KEY=VALUE', multiple: true, description: 'an option of the solver by its own name, repeatable' },
    'per-class': { type: 'string', placeholder: 'K', description: 'adversarial examples per class (|X_adv| = K × classes)', default: '1' },
    'adv-eps': { type: 'string', placeholder: 'X', description: "L∞ ε of the PGD generator, in the model's input units (default 0.1 of the input range)" },
    'adv-steps': { type: 'string', placeholder: 'N', description: 'PGD steps of the generator', default: '40' },
    'adv-step-size': { type: 'string', placeholder: 'X', description: 'PGD step of the generator (default 0.01 of the input range)' },
    'adv-clip': { type: 'boolean', description: "clip generated examples to the input range (the authors do not for their models; tfjs models are always clipped)" },
    'pool-size': { type: 'string', placeholder: 'N', description: 'training images the generator attacks', default: '2000' },
    'clean-size': { type: 'string', placeholder: 'N', description: 'clean training images for the loss constraint', default: '1000' },
    'selection-size': { type: 'string', placeholder: 'N', description: 'validation images for the clean error E', default: '1000' },
    omega: { type: 'string', placeholder: 'X', description: 'ω of the selection ω·V + (1−ω)·E', default: '0.4' },
    select: { type: 'string', placeholder: 'RULE', description: "feasible-first (a candidate meeting every margin wins, then ω) or score (the paper's ω rule alone)", default: 'feasible-first' },
    overshoot: { type: 'string', placeholder: 'K', description: "κ in [0, 1): each cut asks for g ≤ −κδ so the real constraints are met, not just their linearization (0: the paper's rule)", default: '0.5' },
    iterations: { type: 'string', placeholder: 'N', description: 'M, cutting-plane iterations', default: '20' },
    margin: { type: 'string', placeholder: 'X', description: 'δ of the margin constraints', default: '0.1' },
    ...repairParameterOption,
    ...dataOptions,
    ...userDataOptions,
  },
  async run({ values, output, backend }) {
    const modelPath = requiredOption(values, 'model');
    const out = requiredOption(values, 'out');
    const seed = seedOption(values);
    const solverName = String(values.solver);
    if (!repairSolvers.has(solverName)) throw new UsageError(`--solver: unknown repair solver '${solverName}'; registered: ${repairSolvers.names().join(', ')}`);
    const solverOptions = keyValueOptions(values, 'solver-option', repairSolvers.get(solverName).options, solverName);
    const settings: RepairSettings = {
      modelPath,
      seed,
      solverName,
      solverOptions,
      perClass: numberOption(values, 'per-class', { min: 1, integer: true })!,
      omega: numberOption(values, 'omega', { min: 0, max: 1 })!,
      select: choiceOption(values, 'select', ['feasible-first', 'score'] as const)!,
      overshoot: numberOption(values, 'overshoot', { min: 0, max: 0.999999 })!,
      iterations: numberOption(values, 'iterations', { min: 1, integer: true })!,
      margin: numberOption(values, 'margin', { min: 0 })!,
      poolSize: numberOption(values, 'pool-size', { min: 10, integer: true })!,
      cleanSize: numberOption(values, 'clean-size', { min: 1, integer: true })!,
      selectionSize: numberOption(values, 'selection-size', { min: 1, integer: true })!,
      saveFormat: choiceOption(values, 'save-format', ['liftguard', 'tfjs'] as const),
      parametersFlag: typeof values.parameters === 'string' ? values.parameters : undefined,
      generator: {
        epsilon: numberOption(values, 'adv-eps', { min: 0 }),
        steps: numberOption(values, 'adv-steps', { min: 1, integer: true })!,
        stepSize: numberOption(values, 'adv-step-size', { min: Number.MIN_VALUE }),
      },
    };
    checkParametersFlag(settings.parametersFlag);
    const lock = await claimOutput(out, values, 'repair');
    const interrupt = stopOnInterrupt(() => output.note('liftguard: stopping after this iteration (Ctrl-C again to abort); the best candidate so far is saved'));
    try {
      await backend();
      await repairInto(out, values, output, interrupt.signal, settings);
    } finally {
      interrupt.dispose();
      await lock.release();
    }
  },
};

interface RepairSettings {
  modelPath: string;
  seed: number;
  solverName: string;
  solverOptions: Record<string, unknown>;
  perClass: number;
  omega: number;
  select: 'feasible-first' | 'score';
  overshoot: number;
  iterations: number;
  margin: number;
  poolSize: number;
  cleanSize: number;
  selectionSize: number;
  saveFormat: 'liftguard' | 'tfjs' | undefined;
  parametersFlag: string | undefined;
  generator: { epsilon: number | undefined; steps: number; stepSize: number | undefined };
}

/** The images a repair uses: from --data (one set, split in a seeded order) or from --dataset's train and validation splits. */
async function repairImages(values: OptionValues, model: Classifier, settings: RepairSettings, output: Output): Promise<{ pool: ImageSet; clean: ImageSet; selection: ImageSet; name: string; description?: string }> {
  const sizes = { pool: settings.poolSize, clean: settings.cleanSize, selection: settings.selectionSize };
  if (typeof values.data === 'string') {
    const evaluation = await loadEvaluationSet(values, model, undefined, 'train');
    let split;
    try {
      split = splitRepairImages(evaluation.set, sizes, settings.seed);
    } catch (error) {
      throw new CliError(`${evaluation.name}: ${(error as Error).message}`);
    }
    if (split.note) output.note(`liftguard: ${split.note}`);
    return { ...split, name: evaluation.name, ...(evaluation.description ? { description: evaluation.description } : {}) };
  }
  if (labelsFileOption(values) !== undefined) throw new UsageError('--labels FILE goes with --data');
  const splits = await loadSplits(values);
  const pool = Math.min(sizes.pool, splits.train.count);
  const clean = Math.min(sizes.clean, splits.train.count - pool);
  if (clean < 1) throw new UsageError(`--pool-size ${pool} leaves no training images for the clean set (the split has ${splits.train.count})`);
  const selection = Math.min(sizes.selection, splits.validation.count);
  if (selection < 1) throw new UsageError('--validation-size 0 leaves no images for the selection set');
  return { pool: sliceImageSet(splits.train, 0, pool), clean: sliceImageSet(splits.train, pool, pool + clean), selection: sliceImageSet(splits.validation, 0, selection), name: splits.dataset };
}

/** Generates the adversarial set, repairs and saves the chosen model with its report into the claimed folder. */
async function repairInto(out: string, values: OptionValues, output: Output, signal: AbortSignal, settings: RepairSettings): Promise<void> {
  const { modelPath, seed, solverName, solverOptions, perClass, omega, select, overshoot, iterations, margin } = settings;
  const loaded = await loadUserModel(modelPath, values);
  const model = loaded.classifier;
  const own = loaded.format === 'liftguard-model';
  const saveFormat = settings.saveFormat ?? (own ? 'liftguard' : 'tfjs');
  if (!own && saveFormat === 'liftguard') throw new UsageError(`--save-format liftguard writes LiftGuard's own models; ${modelPath} is a tfjs ${loaded.format} and is written back as tfjs`);
  const tensors: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => (tensors.push(t), t);
  try {
    const images = await repairImages(values, model, settings, output);
    checkModelFitsImages(model, images.pool.height, images.pool.width, images.name, images.pool.channels ?? 1);
    const parameters = chooseRepairParameters(model, settings.parametersFlag, own);
    output.note(`liftguard: the repair may change ${parameters.description}`);
    const [low, high] = model.inputRange ?? [0, 1];
    // ε and step default to the recipe's 0.1 and 0.01 of a [0, 1] range, in the model's own units.
    const generator = { epsilon: settings.generator.epsilon ?? 0.1 * (high - low), steps: settings.generator.steps, stepSize: settings.generator.stepSize ?? 0.01 * (high - low) };
    const clip = !own || values['adv-clip'] === true;
    const poolX = keep(imagesTensor(images.pool, model.inputShape));
    const generation = output.progress('generating adversarial examples (PGD)', 1);
    // CUTTING_PLANE.md §4: PGD against the predicted labels, top-k most violated per true class.
    const adversarial = await adversarialSet(model, { x: poolX, labels: images.pool.labels }, perClass, { ...generator, randomStart: true, clip, seed }, { batchSize: 250, classesPresentOnly: typeof values.data === 'string' });
    keep(adversarial.x);
    const skipped = adversarial.recipe.skippedClasses as number[] | undefined;
    if (skipped?.length) output.note(`liftguard: no pool image of class(es) ${skipped.join(', ')}: the adversarial set covers the other classes`);
    generation.stop();
    const clean = { x: keep(imagesTensor(images.clean, model.inputShape)), labels: images.clean.labels };
    const validation = { x: keep(imagesTensor(images.selection, model.inputShape)), labels: images.selection.labels };
    const { solver, objective } = await createRepairSolver(solverName, solverOptions);
    const progress = output.progress('cutting-plane repair', iterations);
    const started = performance.now();
    const result = await repairClassifier({
      classifier: model,
      adversarial: { x: adversarial.x, labels: adversarial.labels },
      clean,
      validation,
      margin,
      omega,
      select,
      overshoot,
      maxIterations: iterations,
      solver,
      objective,
      parameters: parameters.variables,
      signal,
      onIteration: (trace) => progress.update(trace.iteration + 1, `violated ${trace.violatedConstraints}, ${trace.qpStatus}`),
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      model: modelPath,
      modelFormat: loaded.format,
      out,
      saveFormat,
      solver: solverName,
      objective,
      data: { source: images.name, ...(images.description ? { description: images.description } : {}), inputRange: [low, high] },
      adversarialSet: { count: adversarial.labels.length, recipe: adversarial.recipe, violations: adversarial.violations },
      parameters: { flag: settings.parametersFlag ?? (own ? 'all' : 'last-dense'), description: parameters.description, count: parameters.parameterCount, of: parameters.totalParameterCount },
      settings: { omega, select, overshoot, iterations, margin, cleanCount: images.clean.count, selectionCount: images.selection.count, seed },
      stopReason: result.stopReason,
      outcome: result.outcome,
      original: candidateSummary(result.pool[0]!),
      chosen: candidateSummary(result.chosen),
      paretoFront: result.paretoFront.map(candidateSummary),
      pool: result.pool.map(candidateSummary),
      trace: result.trace,
      seconds,
    };
    const report = JSON.stringify(repairReport(summary, reportEnvironment()), null, 2) + '\n';
    const previous = await saveRepaired(model, out, saveFormat, own, report, { repairedFrom: modelPath, repair: { solver: solverName, omega, iterations, margin, perClass } });
    if (previous !== undefined) output.note(`liftguard: the earlier result at ${out} was moved to ${previous}`);
    output.result(summary, () =>
      [
        `repaired ${modelPath} on ${adversarial.labels.length} adversarial examples in ${seconds.toFixed(1)} s (${result.trace.length} iteration(s), ${result.stopReason}, solver ${solverName}; ${parameters.description})`,
        `violated on X_adv: ${result.pool[0]!.violatedCount} → ${result.chosen.violatedCount}; selection-set error ${(100 * result.pool[0]!.cleanError).toFixed(2)}% → ${(100 * result.chosen.cleanError).toFixed(2)}%; ‖Δw‖ = ${result.chosen.changeNorm.toPrecision(3)}`,
        `outcome (${result.outcome.reason}): ${result.outcome.explanation}`,
        `model (${saveFormat}): ${saveFormat === 'tfjs' && own ? join(out, 'tfjs') : out}; report: ${join(out, 'repair-report.json')}`,
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof UsageError || error instanceof CliError) throw error;
    throw new CliError((error as Error).message.split('\n')[0]!);
  } finally {
    tf.dispose(tensors);
    loaded.dispose();
  }
}

/**
 * Writes the repaired model and its report into `out` in one atomic step: LiftGuard's format
 * (plus tfjs/ when asked) for its own models, a plain tfjs LayersModel for tfjs models.
 */
async function saveRepaired(model: Classifier, out: string, saveFormat: 'liftguard' | 'tfjs', own: boolean, report: string, metadata: Record<string, unknown>): Promise<string | undefined> {
  if (own) {
    const saved = await saveClassifierFolder(model as Parameters<typeof saveClassifierFolder>[0], out, metadata, { 'repair-report.json': report });
    if (saveFormat === 'tfjs') await saveTfjsModel(model, join(out, 'tfjs'));
    return saved.previous;
  }
  const { previous } = await replaceFolderAtomically(out, async (folder) => {
    await saveTfjsModel(model, folder);
    await writeFile(join(folder, 'repair-report.json'), report, { flag: 'wx' });
  });
  return previous;
}

function candidateSummary(c: { iteration: number; violation: number; violatedCount: number; cleanError: number; changeNorm: number; cleanLoss: number | undefined }) {
  return { iteration: c.iteration, violation: c.violation, violatedCount: c.violatedCount, cleanError: c.cleanError, cleanLoss: c.cleanLoss ?? null, changeNorm: c.changeNorm };
}
