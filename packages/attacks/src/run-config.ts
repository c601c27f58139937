import * as tf from '@tensorflow/tfjs-core';
import { accuracy, Random, type Classifier, type Seed } from '@liftguard/tensor';
import { defaultBounds, type Bounds } from './bounds.js';
import { cleanPass } from './clean-pass.js';
import { AttackConfigError, AttackInputError } from './errors.js';
import { defaultGoal, type AttackGoal } from './goal.js';
import { gradientReport, type GradientReport } from './gradient-source.js';
import {
  validateBounds,
  validateEpsilons,
  validateInputs,
  validateLabels,
  type LabelInput,
} from './validate.js';

/** The examples an attack runs on. `labels` are the true labels; `targets` only for goal 'given'. */
export interface AttackInputs {
  x: tf.Tensor;
  labels?: LabelInput;
  targets?: LabelInput;
}

/** How to run attacks over an ε list; every field has a default except `epsilons`. */
export interface RunOptions {
  epsilons: readonly number[];
  /** Default: untargeted against the true labels. */
  goal?: AttackGoal;
  /** Default: the model's declared input range (`inputRange`), else [0, 1]; null for unbounded inputs (named "unclipped" in reports). */
  bounds?: Bounds;
  /** Seeds random starts and random targets (default 0). */
  seed?: Seed;
  /** Examples per forward/backward pass (default: all). */
  batchSize?: number;
  /** What to do when predict looks like it returns probabilities (default 'error'). */
  probabilityOutputs?: 'error' | 'warn' | 'ignore';
  /** Keep raw and clipped adversarial tensors in the result (default true). */
  returnAdversarials?: boolean;
  /** Where warnings go (default console.warn). */
  log?: (message: string) => void;
  /** Checked between batches (the event loop gets a turn at least every 100 ms); aborting stops the run with an AttackAbortedError. */
  signal?: AbortSignal;
  /**
   * Where `inputs` start in a larger set (a shard), a multiple of `batchSize` (default 0).
   * Batches and random draws are keyed by their position in the whole set, so runs over
   * consecutive shards give exactly the per-example results of one run over all of them.
   */
  exampleOffset?: number;
}

/** Every run setting spelled out, as echoed in results. */
export interface ResolvedRunConfig {
  epsilons: number[];
  goal: AttackGoal;
  bounds: Bounds;
  seed: Seed;
  batchSize: number;
  probabilityOutputs: 'error' | 'warn' | 'ignore';
  returnAdversarials: boolean;
  numExamples: number;
  /** Position of the first example in the whole set, for shards (absent: 0). */
  exampleOffset?: number;
  inputShape: number[];
  numClasses: number;
  backend: string;
}

/** Everything fixed before the first attack step: config, labels, clean predictions. */
export interface PreparedRun {
  config: ResolvedRunConfig;
  random: Random;
  /** True labels, or null when none were given. */
  trueLabels: Int32Array | null;
  /** The labels attacks move away from (untargeted) or towards (targeted). */
  attackLabels: Int32Array;
  targeted: boolean;
  /** Targeted runs: the class each example starts from (true label, else clean prediction). */
  sourceLabels: Int32Array | undefined;
  cleanPredictions: Int32Array;
  gradient: GradientReport;
  warnings: string[];
  cleanMs: number;
}

function resolveGoal(goal: AttackGoal): AttackGoal {
  if (goal.kind === 'untargeted' && (goal.labels === 'true' || goal.labels === 'predicted'))
    return { ...goal };
  if (goal.kind === 'targeted' && ['given', 'random-wrong', 'least-likely'].includes(goal.target))
    return { ...goal };
  throw new AttackConfigError(`unknown goal ${JSON.stringify(goal)}`);
}

/** Validates everything and computes the labels the attack works with. */
export function prepareRun(
  model: Classifier,
  inputs: AttackInputs,
  options: RunOptions,
): PreparedRun {
  const started = performance.now();
  const epsilons = validateEpsilons(options.epsilons);
  const goal = resolveGoal(options.goal ?? defaultGoal);
  // One threat model: clip to the range the model declares unless the caller says otherwise.
  const bounds = validateBounds(options.bounds === undefined ? (model.inputRange ?? defaultBounds) : options.bounds);
  validateInputs(model, inputs.x, bounds);
  const n = inputs.x.shape[0]!;
  const batchSize = options.batchSize ?? n;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new AttackConfigError(`batchSize must be a positive integer, got ${batchSize}`);
  const exampleOffset = options.exampleOffset ?? 0;
  if (!Number.isInteger(exampleOffset) || exampleOffset < 0 || exampleOffset % batchSize !== 0)
    throw new AttackConfigError(`exampleOffset must be a non-negative multiple of batchSize (${batchSize}), got ${exampleOffset}`);
  const probabilityOutputs = options.probabilityOutputs ?? 'error';
  const seed = options.seed ?? 0;
  const random = new Random(seed);
  const trueLabels =
    inputs.labels === undefined ? null : validateLabels(inputs.labels, n, model.numClasses);
  const clean = cleanPass(model, inputs.x, batchSize);
  const warnings: string[] = [];
  if (clean.looksLikeProbabilities && probabilityOutputs !== 'ignore') {
    const message =
      'predict() returns rows in [0, 1] that sum to 1: these look like softmax probabilities, not logits; ' +
      'gradient attacks on probabilities are silently weak (saturated softmax). Return logits, or pass probabilityOutputs: "warn".';
    if (probabilityOutputs === 'error') throw new AttackInputError(message);
    warnings.push(message);
    (options.log ?? console.warn)(message);
  }

  let attackLabels: Int32Array;
  const needTrue = (what: string) => {
    if (trueLabels === null)
      throw new AttackInputError(`${what} needs inputs.labels (the true labels)`);
    return trueLabels;
  };
  if (goal.kind === 'untargeted') {
    attackLabels =
      goal.labels === 'predicted'
        ? clean.predictions
        : needTrue('an untargeted attack on true labels');
  } else if (goal.target === 'given') {
    if (inputs.targets === undefined)
      throw new AttackInputError("goal target 'given' needs inputs.targets");
    attackLabels = validateLabels(inputs.targets, n, model.numClasses, 'targets');
  } else if (goal.target === 'least-likely') {
    attackLabels = clean.leastLikely;
  } else {
    if (model.numClasses < 2)
      throw new AttackInputError('random wrong targets need at least 2 classes');
    const labels = needTrue("goal target 'random-wrong'");
    // One stream per example, keyed by its place in the whole set, so shards draw the same targets.
    attackLabels = labels.map(
      (y, i) => (y + 1 + random.fork(`target ${exampleOffset + i}`).int(model.numClasses - 1)) % model.numClasses,
    );
  }

  return {
    config: {
      epsilons,
      goal,
      bounds,
      seed,
      batchSize,
      probabilityOutputs,
      returnAdversarials: options.returnAdversarials ?? true,
      numExamples: n,
      ...(exampleOffset === 0 ? {} : { exampleOffset }),
      inputShape: [...model.inputShape],
      numClasses: model.numClasses,
      backend: tf.getBackend(),
    },
    random,
    trueLabels,
    attackLabels,
    targeted: goal.kind === 'targeted',
    sourceLabels: goal.kind === 'targeted' ? (trueLabels ?? clean.predictions) : undefined,
    cleanPredictions: clean.predictions,
    gradient: gradientReport(model),
    warnings,
    cleanMs: performance.now() - started,
  };
}

/** Share of examples whose prediction equals the label (the one in @liftguard/tensor). */
export { accuracy };

/** The result fields every ε-list runner shares. */
export interface EpsilonListFields {
  /** Per ε: share of examples still correctly classified (null without true labels). */
  robustAccuracy: number[] | null;
  /** Per ε: share of examples where the goal was reached. */
  successRate: number[];
  cleanAccuracy: number | null;
  cleanPredictions: Int32Array;
  /** Per ε: predictions on the clipped inputs. */
  adversarialPredictions: Int32Array[];
  gradient: GradientReport;
  warnings: string[];
  timings: { totalMs: number; cleanMs: number; perEpsilonMs: number[] };
}

/** The result fields every ε-list runner starts with: filled per ε, echoed from the prepared run. */
export function emptyResultFields(run: PreparedRun): EpsilonListFields {
  return {
    robustAccuracy: run.trueLabels === null ? null : ([] as number[]),
    successRate: [] as number[],
    cleanAccuracy: run.trueLabels === null ? null : accuracy(run.cleanPredictions, run.trueLabels),
    cleanPredictions: run.cleanPredictions,
    adversarialPredictions: [] as Int32Array[],
    gradient: run.gradient,
    warnings: run.warnings,
    timings: { totalMs: 0, cleanMs: run.cleanMs, perEpsilonMs: [] as number[] },
  };
}
