import { gradientMaskingChecks, runAttack, runAttacks, type Attack, type AttackGoal, type MaskingWarning } from '@liftguard/attacks';
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
import { imagesTensor } from '@liftguard/data';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'clean accuracy of a saved model on a split, and robust accuracy under any registered attacks (default FGSM and PGD-40)',
  usage: 'liftguard eval --model DIR [--split test|validation|train] [--eps LIST] [--attacks LIST] [--norm NAME]',
  examples: [
    'liftguard eval --model runs/bp',
    'liftguard eval --model runs/bp --eps 0.05,0.1,0.2 --test-size 1000 --json',
  ],
  options: {
    model: { type: 'string', placeholder: 'PATH', description: 'a folder written by liftguard, or a tfjs model.json (LayersModel or GraphModel) or its folder' },
    ...userModelOptions,
    ...dataOptions,
    ...userDataOptions,
    split: { type: 'string', placeholder: 'NAME', description: 'test | validation | train', default: 'test' },
    ...attackOptions,
    eps: { type: 'string', placeholder: 'LIST', description: 'also robust accuracy under each of --attacks (default fgsm,pgd) at these ε' },
  },
  async run({ values, output, backend }) {
    const modelDir = requiredOption(values, 'model');
    const split = choiceOption(values, 'split', ['test', 'validation', 'train'] as const)!;
    const epsilons = numberListOption(values, 'eps', 0);
    const { attacks, norm, goal } = resolveAttacks(values);
    const seed = seedOption(values);
    await backend();
    const loaded = await loadUserModel(modelDir, values);
    try {
      await evaluate(loaded.classifier, modelDir, split, values, output, { epsilons, attacks, norm, goal, seed });
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
}

/** Clean accuracy on the split, then robust accuracy under the attacks (or the suite's stages). */
async function evaluate(model: Classifier, modelDir: string, split: 'test' | 'validation' | 'train', values: OptionValues, output: Output, { epsilons, attacks, norm, goal, seed }: EvalSettings): Promise<void> {
  const limit = typeof values.data === 'string' ? numberOption(values, 'test-size', { min: 1, integer: true }) : undefined;
  const evaluation = await loadEvaluationSet(values, model, limit, split);
  const { set } = evaluation;
  checkModelFitsImages(model, set.height, set.width, evaluation.name, set.channels ?? 1);
  const bounds = model.inputRange ?? ([0, 1] as const);
  const clean = accuracy(model, set);
  const robust: { attack: string; epsilons: number[]; robustAccuracy: number[] }[] = [];
  const warnings: MaskingWarning[] = [];
  if (epsilons) {
    const x = imagesTensor(set, model.inputShape);
    try {
      if (values.suite !== undefined) {
        // The suite runs each attack on the survivors of the ones before: one row per stage (cumulative), then the suite.
        const progress = output.progress(`AutoAttack (${String(values.suite)}) on ${set.count} images`, 1);
        const result = await attackUntilInterrupted((line) => output.note(line), (signal) => runAttacks(model, { x, labels: set.labels }, attacks, { epsilons, goal, seed, batchSize: 500, bounds: [bounds[0], bounds[1]], returnAdversarials: false, signal }));
        progress.stop();
        for (const stage of result.stages) robust.push({ attack: `after ${stage.name}`, epsilons, robustAccuracy: stage.robustAccuracy! });
        robust.push({ attack: `AutoAttack ${String(values.suite)}`, epsilons, robustAccuracy: result.robustAccuracy! });
        warnings.push(...gradientMaskingChecks({ suite: result, model, x, labels: set.labels }));
        for (const w of warnings) output.note(`liftguard: gradient-masking check '${w.check}': ${w.message}`);
      }
      for (const attack of values.suite === undefined ? attacks : []) {
        const progress = output.progress(`${attack.name} on ${set.count} images`, 1);
        const result = await attackUntilInterrupted((line) => output.note(line), (signal) => runAttack(model, { x, labels: set.labels }, attack, { epsilons, goal, seed, batchSize: 500, bounds: [bounds[0], bounds[1]], returnAdversarials: false, signal }));
        progress.stop();
        robust.push({ attack: attack.name, epsilons, robustAccuracy: result.robustAccuracy! });
      }
    } finally {
      x.dispose();
    }
  }
  const summary = { model: modelDir, dataset: evaluation.name, split, count: set.count, inputRange: [bounds[0], bounds[1]], ...(evaluation.description ? { data: evaluation.description } : {}), cleanAccuracy: clean, norm, robust, ...(values.suite !== undefined ? { maskingWarnings: warnings } : {}) };
  output.result(summary, () =>
    [
      `${modelDir} on ${evaluation.name} ${split} (${set.count} images): clean accuracy ${(100 * clean).toFixed(2)}%`,
      ...robust.map((r) => `${r.attack} ${norm}: ` + r.epsilons.map((e, i) => `ε=${e}: ${(100 * r.robustAccuracy[i]!).toFixed(2)}%`).join(', ')),
    ].join('\n'),
  );
}
