import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { adversarialSet } from '@liftguard/attacks';
import { createRepairSolver, repairClassifier, repairSolvers } from '@liftguard/cutting-plane';
import { saveClassifierFolder } from '@liftguard/models/node';
import { repairReport } from '@liftguard/report';
import { numberOption, requiredOption, seedOption } from '../args.js';
import type { Command, OptionValues } from '../command.js';
import { stopOnInterrupt } from '../interrupt.js';
import type { Output } from '../output.js';
import { claimOutput } from '../output-target.js';
import { keyValueOptions, registryChoices } from '../registry-options.js';
import { dataOptions, loadSplits } from '../data-options.js';
import { reportEnvironment } from '../environment.js';
import { CliError, UsageError } from '../errors.js';
import { imagesTensor } from '@liftguard/data';
import { checkModelFitsImages, loadModel } from '../model-options.js';

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
  summary: 'cutting-plane repair of a saved model on a few adversarial examples; writes the repaired model and a report',
  usage: 'liftguard repair --model DIR --out DIR [--solver NAME] [--per-class 1] [--omega 0.4] [--iterations 20]',
  examples: [
    'liftguard repair --model runs/cnn --out runs/cnn-repaired',
    'liftguard repair --model runs/cnn --out runs/r --per-class 5 --omega 0.2 --iterations 10 --solver highs',
    'liftguard repair --model runs/mlp --out runs/r --parameters last:2 --solver glpk-l1',
  ],
  prepare: registerOptionalSolvers,
  options: {
    model: { type: 'string', placeholder: 'DIR', description: 'the model to repair' },
    out: { type: 'string', placeholder: 'DIR', description: 'where the repaired model and repair-report.json go' },
    solver: { type: 'string', placeholder: 'NAME', get description() { return registryChoices(repairSolvers.entries()); }, default: 'dual' },
    'solver-option': { type: 'string', placeholder: 'KEY=VALUE', multiple: true, description: 'an option of the solver by its own name, repeatable' },
    'per-class': { type: 'string', placeholder: 'K', description: 'adversarial examples per class (|X_adv| = 10K)', default: '1' },
    'adv-eps': { type: 'string', placeholder: 'X', description: 'L∞ ε of the PGD generator', default: '0.1' },
    'adv-steps': { type: 'string', placeholder: 'N', description: 'PGD steps of the generator', default: '40' },
    'adv-step-size': { type: 'string', placeholder: 'X', description: 'PGD step of the generator', default: '0.01' },
    'adv-clip': { type: 'boolean', description: 'clip generated examples to [0, 1] (the authors do not)' },
    'pool-size': { type: 'string', placeholder: 'N', description: 'training images the generator attacks', default: '2000' },
    'clean-size': { type: 'string', placeholder: 'N', description: 'clean training images for the loss constraint', default: '1000' },
    'selection-size': { type: 'string', placeholder: 'N', description: 'validation images for the clean error E', default: '1000' },
    omega: { type: 'string', placeholder: 'X', description: 'ω of the selection ω·V + (1−ω)·E', default: '0.4' },
    iterations: { type: 'string', placeholder: 'N', description: 'M, cutting-plane iterations', default: '20' },
    margin: { type: 'string', placeholder: 'X', description: 'δ of the margin constraints', default: '0.1' },
    parameters: { type: 'string', placeholder: 'WHICH', description: 'all | last:K (the last K variables; a dense layer is kernel + bias)', default: 'all' },
    ...dataOptions,
  },
  async run({ values, output, backend }) {
    const modelDir = requiredOption(values, 'model');
    const out = requiredOption(values, 'out');
    const seed = seedOption(values);
    const solverName = String(values.solver);
    if (!repairSolvers.has(solverName)) throw new UsageError(`--solver: unknown repair solver '${solverName}'; registered: ${repairSolvers.names().join(', ')}`);
    const solverOptions = keyValueOptions(values, 'solver-option', repairSolvers.get(solverName).options, solverName);
    const perClass = numberOption(values, 'per-class', { min: 1, integer: true })!;
    const omega = numberOption(values, 'omega', { min: 0, max: 1 })!;
    const iterations = numberOption(values, 'iterations', { min: 1, integer: true })!;
    const margin = numberOption(values, 'margin', { min: 0 })!;
    const poolSize = numberOption(values, 'pool-size', { min: 10, integer: true })!;
    const cleanSize = numberOption(values, 'clean-size', { min: 1, integer: true })!;
    const selectionSize = numberOption(values, 'selection-size', { min: 1, integer: true })!;
    const parametersFlag = String(values.parameters);
    const last = /^last:(\d+)$/.exec(parametersFlag);
    if (parametersFlag !== 'all' && !last) throw new UsageError(`--parameters must be all or last:K; got '${parametersFlag}'`);
    const generator = {
      epsilon: numberOption(values, 'adv-eps', { min: 0 })!,
      steps: numberOption(values, 'adv-steps', { min: 1, integer: true })!,
      stepSize: numberOption(values, 'adv-step-size', { min: Number.MIN_VALUE })!,
    };
    const lock = await claimOutput(out, values, 'repair');
    const interrupt = stopOnInterrupt(() => output.note('liftguard: stopping after this iteration (Ctrl-C again to abort); the best candidate so far is saved'));
    try {
      await backend();
      await repairInto(out, values, output, interrupt.signal, { modelDir, seed, solverName, solverOptions, perClass, omega, iterations, margin, poolSize, cleanSize, selectionSize, generator, last, parametersFlag });
    } finally {
      interrupt.dispose();
      await lock.release();
    }
  },
};

interface RepairSettings {
  modelDir: string;
  seed: number;
  solverName: string;
  solverOptions: Record<string, unknown>;
  perClass: number;
  omega: number;
  iterations: number;
  margin: number;
  poolSize: number;
  cleanSize: number;
  selectionSize: number;
  generator: { epsilon: number; steps: number; stepSize: number };
  last: RegExpExecArray | null;
  parametersFlag: string;
}

/** Generates the adversarial set, repairs and saves the chosen model with its report into the claimed folder. */
async function repairInto(out: string, values: OptionValues, output: Output, signal: AbortSignal, settings: RepairSettings): Promise<void> {
  const { modelDir, seed, solverName, solverOptions, perClass, omega, iterations, margin, poolSize, cleanSize, selectionSize, generator, last, parametersFlag } = settings;
  const model = await loadModel(modelDir);
  const splits = await loadSplits(values);
  checkModelFitsImages(model, splits.train.height, splits.train.width, splits.dataset);
  const { solver, objective } = await createRepairSolver(solverName, solverOptions);
  const tensors: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => (tensors.push(t), t);
  try {
    const pool = Math.min(poolSize, splits.train.count);
    const poolX = keep(imagesTensor(splits.train, model.inputShape, pool));
    const generation = output.progress('generating adversarial examples (PGD)', 1);
    // CUTTING_PLANE.md §4: PGD against the predicted labels, top-k most violated per true class.
    const adversarial = await adversarialSet(
      model,
      { x: poolX, labels: splits.train.labels.subarray(0, pool) },
      perClass,
      {
        ...generator,
        randomStart: true,
        clip: values['adv-clip'] === true,
        seed,
      },
      { batchSize: 250 },
    );
    keep(adversarial.x);
    generation.stop();
    const cleanStart = pool;
    const cleanCount = Math.min(cleanSize, splits.train.count - cleanStart);
    const clean = { x: keep(imagesTensor(splits.train, model.inputShape, cleanCount, cleanStart)), labels: splits.train.labels.subarray(cleanStart, cleanStart + cleanCount) };
    const selectionCount = Math.min(selectionSize, splits.validation.count);
    const validation = { x: keep(imagesTensor(splits.validation, model.inputShape, selectionCount)), labels: splits.validation.labels.subarray(0, selectionCount) };
    const progress = output.progress('cutting-plane repair', iterations);
    const started = performance.now();
    const result = await repairClassifier({
      classifier: model,
      adversarial: { x: adversarial.x, labels: adversarial.labels },
      clean,
      validation,
      margin,
      omega,
      maxIterations: iterations,
      solver,
      objective,
      ...(last ? { parameters: { lastVariables: Number(last[1]) } } : {}),
      signal,
      onIteration: (trace) => progress.update(trace.iteration + 1, `violated ${trace.violatedConstraints}, ${trace.qpStatus}`),
    });
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const summary = {
      model: modelDir,
      out,
      solver: solverName,
      objective,
      adversarialSet: { count: adversarial.labels.length, recipe: adversarial.recipe, violations: adversarial.violations },
      settings: { omega, iterations, margin, parameters: parametersFlag, cleanCount, selectionCount, seed },
      stopReason: result.stopReason,
      outcome: result.outcome,
      original: candidateSummary(result.pool[0]!),
      chosen: candidateSummary(result.chosen),
      paretoFront: result.paretoFront.map(candidateSummary),
      pool: result.pool.map(candidateSummary),
      trace: result.trace,
      seconds,
    };
    const report = repairReport(summary, reportEnvironment());
    const saved = await saveClassifierFolder(model, out, { repairedFrom: modelDir, repair: { solver: solverName, omega, iterations, margin, perClass } }, { 'repair-report.json': JSON.stringify(report, null, 2) + '\n' });
    if (saved.previous !== undefined) output.note(`liftguard: the earlier result at ${out} was moved to ${saved.previous}`);
    output.result(summary, () =>
      [
        `repaired ${modelDir} on ${adversarial.labels.length} adversarial examples in ${seconds.toFixed(1)} s (${result.trace.length} iteration(s), ${result.stopReason}, solver ${solverName})`,
        `violated on X_adv: ${result.pool[0]!.violatedCount} → ${result.chosen.violatedCount}; selection-set error ${(100 * result.pool[0]!.cleanError).toFixed(2)}% → ${(100 * result.chosen.cleanError).toFixed(2)}%; ‖Δw‖ = ${result.chosen.changeNorm.toPrecision(3)}`,
        `outcome (${result.outcome.reason}): ${result.outcome.explanation}`,
        `model: ${out}; report: ${join(out, 'repair-report.json')}`,
      ].join('\n'),
    );
  } catch (error) {
    if (error instanceof UsageError || error instanceof CliError) throw error;
    throw new CliError((error as Error).message);
  } finally {
    tf.dispose(tensors);
    tf.dispose(model.trainableVariables as tf.Variable[]);
  }
}

function candidateSummary(c: { iteration: number; violation: number; violatedCount: number; cleanError: number; changeNorm: number; cleanLoss: number | undefined }) {
  return { iteration: c.iteration, violation: c.violation, violatedCount: c.violatedCount, cleanError: c.cleanError, cleanLoss: c.cleanLoss ?? null, changeNorm: c.changeNorm };
}
