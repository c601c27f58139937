import { gradientMaskingChecks, runAttack, runAttacks, type Attack, type AttackGoal, type MaskingWarning } from '@liftguard/attacks';
import { describeEval, type EvalSummary } from '../eval-summary.js';
import { shardOf } from '../shards.js';
import { accuracy } from '@liftguard/models';
import { choiceOption, numberListOption, numberOption, requiredOption, seedOption } from '../args.js';
import type { Command, OptionValues } from '../command.js';
import { dataOptions, loadEvaluationSet, userDataOptions } from '../data-options.js';
import { attackOptions, resolveAttacks } from '../attack-options.js';
import { attackUntilInterrupted } from '../interrupt.js';
import { checkModelFitsImages } from '../model-options.js';
import { loadUserModel, userModelOptions } from '../user-model.js';
import type { Output } from '../output.js';
import type { Classifier } from '@liftguard/tensor';
import { imagesTensor, sliceImageSet } from '@liftguard/data';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'clean accuracy of a model on a split, and with --eps robust accuracy under the standard AutoAttack suite (or --attacks, --suite quick)',
  usage: 'liftguard eval --model PATH [--split test|validation|train] [--eps LIST] [--suite standard|quick | --attacks LIST] [--norm NAME] [--shard I/N]',
  examples: [
    'liftguard eval --model runs/bp',
    'liftguard eval --model runs/bp --eps 0.05,0.1,0.2 --test-size 1000 --json',
    'liftguard eval --model runs/bp --eps 0.1 --attacks fgsm,pgd',
    'liftguard eval --model runs/bp --eps 0.1 --shard 0/4 --json > shard-0.json   # then: liftguard merge shard-*.json --out eval.json',
  ],
  options: {
    model: { type: 'string', placeholder: 'PATH', description: 'a folder written by liftguard, or a tfjs model.json (LayersModel or GraphModel) or its folder' },
    ...userModelOptions,
    ...dataOptions,
    ...userDataOptions,
    split: { type: 'string', placeholder: 'NAME', description: 'test | validation | train', default: 'test' },
    ...attackOptions,
    eps: { type: 'string', placeholder: 'LIST', description: 'also robust accuracy at these ε: the standard AutoAttack suite unless --suite or --attacks says otherwise' },
    shard: { type: 'string', placeholder: 'I/N', description: "evaluate only shard I of N (0-based; whole batches of 500) of the images; 'liftguard merge' joins the --json outputs into the result of one run" },
  },
  async run({ values, output, backend }) {
    const modelDir = requiredOption(values, 'model');
    const split = choiceOption(values, 'split', ['test', 'validation', 'train'] as const)!;
    const epsilons = numberListOption(values, 'eps', 0);
    const { attacks, norm, goal, suite } = resolveAttacks(values, { suite: 'standard' });
    const seed = seedOption(values);
    await backend();
    const loaded = await loadUserModel(modelDir, values);
    try {
      await evaluate(loaded.classifier, modelDir, split, values, output, { epsilons, attacks, norm, goal, seed, suite });
    } finally {
      loaded.dispose();
    }
  },
};

interface EvalSettings {
  epsilons: number[] | undefined;
  attacks: Attack[];
  norm: string;
  goal: AttackGoal;
  seed: number;
  suite: string | undefined;
}

/** Examples per batch; shards are cut at whole batches so their random streams match one run's. */
const batchSize = 500;

/** Clean accuracy on the split (or one shard of it), then robust accuracy under the suite's stages or each attack. */
async function evaluate(model: Classifier, modelDir: string, split: 'test' | 'validation' | 'train', values: OptionValues, output: Output, { epsilons, attacks, norm, goal, seed, suite }: EvalSettings): Promise<void> {
  const limit = typeof values.data === 'string' ? numberOption(values, 'test-size', { min: 1, integer: true }) : undefined;
  const evaluation = await loadEvaluationSet(values, model, limit, split);
  checkModelFitsImages(model, evaluation.set.height, evaluation.set.width, evaluation.name, evaluation.set.channels ?? 1);
  const shard = shardOf(values, evaluation.set.count, batchSize);
  const start = shard?.offset ?? 0;
  const set = shard ? sliceImageSet(evaluation.set, shard.offset, shard.end) : evaluation.set;
  const bounds = model.inputRange ?? ([0, 1] as const);
  const clean = accuracy(model, set);
  const robust: { attack: string; epsilons: number[]; robustAccuracy: number[]; robustCount: number[] }[] = [];
  const row = (attack: string, accuracies: number[]) => ({ attack, epsilons: epsilons!, robustAccuracy: accuracies, robustCount: accuracies.map((a) => Math.round(a * set.count)) });
  const warnings: MaskingWarning[] = [];
  if (epsilons) {
    const x = imagesTensor(set, model.inputShape);
    const settings = { epsilons, goal, seed, batchSize, exampleOffset: start, bounds: [bounds[0], bounds[1]] as [number, number], returnAdversarials: false };
    try {
      if (suite !== undefined) {
        // The suite runs each attack on the survivors of the ones before: one row per stage (cumulative), then the suite.
        const progress = output.progress(`AutoAttack (${suite}) on ${set.count} images`, 1);
        const result = await attackUntilInterrupted((line) => output.note(line), (signal) => runAttacks(model, { x, labels: set.labels }, attacks, { ...settings, signal }));
        progress.stop();
        for (const stage of result.stages) robust.push(row(`after ${stage.name}`, stage.robustAccuracy!));
        robust.push(row(`AutoAttack ${suite}`, result.robustAccuracy!));
        warnings.push(...gradientMaskingChecks({ suite: result, model, x, labels: set.labels }));
        for (const w of warnings) output.note(`liftguard: gradient-masking check '${w.check}': ${w.message}`);
      }
      for (const attack of suite === undefined ? attacks : []) {
        const progress = output.progress(`${attack.name} on ${set.count} images`, 1);
        const result = await attackUntilInterrupted((line) => output.note(line), (signal) => runAttack(model, { x, labels: set.labels }, attack, { ...settings, signal }));
        progress.stop();
        robust.push(row(attack.name, result.robustAccuracy!));
      }
    } finally {
      x.dispose();
    }
  }
  const summary: EvalSummary = {
    model: modelDir,
    dataset: evaluation.name,
    split,
    count: set.count,
    ...(shard ? { shard: { index: shard.index, count: shard.count, offset: shard.offset, total: evaluation.set.count } } : {}),
    inputRange: [bounds[0], bounds[1]],
    ...(evaluation.description ? { data: evaluation.description } : {}),
    cleanAccuracy: clean,
    cleanCount: Math.round(clean * set.count),
    norm,
    ...(epsilons ? { threatModel: `${norm}, ε in the model's input units, adversarials clipped to [${bounds[0]}, ${bounds[1]}]` } : {}),
    ...(suite !== undefined && epsilons ? { suite } : {}),
    robust,
    ...(suite !== undefined && epsilons ? { maskingWarnings: warnings } : {}),
  };
  output.result(summary, () => describeEval(summary));
}
