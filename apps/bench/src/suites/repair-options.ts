// Command-line flags of the repair suite → the experiment's settings.
import { cuttingPlaneRecipe, type AttackLossName } from '@liftguard/attacks';
import type { RepairExperimentConfig } from './repair-experiment.js';
import { repairModelNames, type RepairModelName } from './repair-models.js';

export interface RepairSuiteOptions {
  models: RepairModelName[];
  /** Pre-training epochs (the recipe's 10 unless lowered for time). */
  epochs: number;
  experiment: RepairExperimentConfig;
  /** Where the pre-trained models are cached. */
  modelDir: string | undefined;
  /** Re-render docs/results/repair.md and the figures from the JSON only. */
  renderOnly: boolean;
  /** Take w̄'s suite from a stored entry on the same weights, images and settings instead of running it. */
  reuseOriginalSuite: boolean;
  /** Threads of the native libraries (OpenBLAS, oneDNN). */
  nativeThreads: number;
}

function flag(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function numbers(args: string[], name: string, fallback: number[]): number[] {
  const raw = flag(args, name);
  if (raw === undefined) return fallback;
  const values = raw.split(',').map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) throw new Error(`--${name} must be a comma-separated list of numbers, got '${raw}'`);
  return values;
}

function integer(args: string[], name: string, fallback: number): number {
  const value = Number(flag(args, name) ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

function attackLoss(args: string[]): AttackLossName {
  const loss = flag(args, 'attack-loss') ?? 'cross-entropy';
  if (loss !== 'cross-entropy' && loss !== 'margin') throw new Error(`--attack-loss must be cross-entropy or margin, got '${loss}'`);
  return loss;
}

/** Full grid by default (CUTTING_PLANE.md §4); `--quick` shrinks every size for a smoke run. */
export function parseRepairOptions(args: string[], quick: boolean): RepairSuiteOptions {
  const models = (flag(args, 'models') ?? (quick ? 'cnn-light' : repairModelNames.join(','))).split(',') as RepairModelName[];
  const unknown = models.filter((m) => !repairModelNames.includes(m));
  if (unknown.length > 0) throw new Error(`unknown model(s) ${unknown.join(', ')}; models: ${repairModelNames.join(', ')}`);
  // One threat model everywhere (issue #18): X_adv and every evaluation are clipped to [0, 1]
  // unless --unclipped asks otherwise; entry ids and the report then say 'noclip' / unclipped.
  if (args.includes('--unclipped') && args.includes('--clip')) throw new Error('--clip and --unclipped contradict each other (clipping to [0, 1] is the default)');
  const clip = !args.includes('--unclipped');
  const suite = flag(args, 'autoattack') ?? (quick ? 'quick' : 'standard');
  if (suite !== 'standard' && suite !== 'quick' && suite !== 'none') throw new Error(`--autoattack must be standard, quick or none, got '${suite}'`);
  const iterations = numbers(args, 'iterations', quick ? [5] : [5, 10, 20]);
  const repairIterations = flag(args, 'repair-iterations') === undefined ? undefined : integer(args, 'repair-iterations', 1);
  const testOffset = Number(flag(args, 'test-offset') ?? 0);
  if (!Number.isInteger(testOffset) || testOffset < 0) throw new Error('--test-offset must be a non-negative integer');
  if (repairIterations !== undefined && repairIterations < Math.max(...iterations)) throw new Error(`--repair-iterations=${repairIterations} is below the largest --iterations value ${Math.max(...iterations)}`);
  return {
    models,
    epochs: integer(args, 'epochs', quick ? 1 : 10),
    modelDir: flag(args, 'model-dir'),
    renderOnly: args.includes('--render'),
    reuseOriginalSuite: args.includes('--reuse-original-suite'),
    // One by default: CNNLight's and CNN's small convolutions ran 1.5× faster on one thread than on
    // two here, and then two runs (shards) fit side by side on a 2-core machine.
    nativeThreads: integer(args, 'native-threads', 1),
    experiment: {
      sizes: numbers(args, 'sizes', quick ? [10] : [10, 50, 100]),
      omegas: numbers(args, 'omegas', quick ? [0, 0.4] : [0, 0.2, 0.4, 0.6]),
      iterations,
      ...(repairIterations === undefined ? {} : { repairIterations }),
      sourceCount: integer(args, 'source-count', quick ? 1_000 : 5_000),
      cleanCount: integer(args, 'clean-count', quick ? 500 : 1_000),
      validationCount: integer(args, 'validation-count', quick ? 500 : 1_000),
      testCount: integer(args, 'test-count', quick ? 500 : 10_000),
      // Set only for shards, so entries of the first images compare equal to older ones.
      ...(testOffset > 0 ? { testOffset } : {}),
      adversarial: { ...cuttingPlaneRecipe, clip },
      evaluation: { epsilons: numbers(args, 'epsilons', [0.05, 0.1, 0.2]), bounds: clip ? [0, 1] : null, seed: 11, batchSize: 500, pgdSteps: integer(args, 'pgd-steps', 40), loss: attackLoss(args), autoAttack: suite === 'none' ? null : suite },
      adaptive: !args.includes('--no-adaptive'),
      margin: 0.1,
      cleanLossTolerance: 0.05,
      batchSize: 500,
    },
  };
}
