import * as tf from '@tensorflow/tfjs-core';
import { marginViolations, predictLogits, type Classifier, type Seed } from '@liftguard/tensor';
import { AttackConfigError, AttackInputError } from './errors.js';
import { pgd } from './pgd.js';
import type { ResolvedPgdConfig } from './pgd-config.js';
import { runAttack } from './run-attack.js';
import type { AttackInputs } from './run-config.js';

/** How adversarial training data for repair is made (CUTTING_PLANE.md §4). */
export interface AdversarialSetRecipe {
  epsilon: number;
  steps: number;
  /** Absolute step in input units. */
  stepSize: number;
  randomStart: boolean;
  /** Clip adversarial inputs to [0, 1] (the authors' generator does not). */
  clip: boolean;
  seed: Seed;
}

/** The cutting-plane paper's generator: L∞ PGD, ε = 0.1, 40 steps of 0.01, random start, no clipping. */
export const cuttingPlaneRecipe: Readonly<AdversarialSetRecipe> = Object.freeze({
  epsilon: 0.1,
  steps: 40,
  stepSize: 0.01,
  randomStart: true,
  clip: false,
  seed: 7,
});

/** Every source example attacked once, scored by its violation against the true label. */
export interface AdversarialPool {
  /** Adversarial inputs (clipped to the ε-ball, and to the model's input range ([0, 1] if undeclared) when the recipe clips), one flat row per source example. */
  inputs: Float32Array;
  /** Per-example shape (the model's input shape). */
  inputShape: number[];
  /** True labels of the source examples. */
  labels: Int32Array;
  /** max_{j≠y} z_j − z_y on each adversarial input (> 0: misclassified). */
  violations: Float64Array;
  /** Share of source examples still classified correctly after the attack. */
  robustAccuracy: number;
  recipe: AdversarialSetRecipe;
  /** The attack's resolved configuration. */
  attack: ResolvedPgdConfig;
  batchSize: number;
  seconds: number;
}

/** The chosen adversarial examples; `x` is the caller's to dispose. */
export interface AdversarialSet {
  x: tf.Tensor;
  labels: Int32Array;
  /** Indices into the source examples. */
  sourceIndices: number[];
  violations: number[];
  /** Everything that made the set, spelled out. */
  recipe: Record<string, unknown>;
}

export interface SelectOptions {
  /** Only take examples the model misclassifies (violation > 0); a class with fewer than k is an error (default false). */
  misclassifiedOnly?: boolean;
  /** Skip classes with no example in the pool (user data need not hold every class) instead of failing (default false). */
  classesPresentOnly?: boolean;
}

/** Logit violation max_{j≠y} z_j − z_y of every row (no margin, no hinge): the one in @liftguard/tensor. */
export const logitViolations = marginViolations;

/**
 * Runs the recipe's PGD against the model's *predicted* labels on every source example (in
 * batches of `batchSize`, default 250) and scores each adversarial by its violation against
 * the true label. The pool holds plain arrays, so several set sizes can be drawn from one attack.
 */
export async function adversarialPool(
  model: Classifier,
  inputs: AttackInputs & { labels: NonNullable<AttackInputs['labels']> },
  recipe: AdversarialSetRecipe = cuttingPlaneRecipe,
  { batchSize = 250 }: { batchSize?: number } = {},
): Promise<AdversarialPool> {
  const started = performance.now();
  const attack = pgd({
    norm: 'linf',
    steps: recipe.steps,
    stepSize: { absolute: recipe.stepSize },
    randomStart: recipe.randomStart,
    loss: 'cross-entropy',
  });
  const result = await runAttack(model, inputs, attack, {
    epsilons: [recipe.epsilon],
    goal: { kind: 'untargeted', labels: 'predicted' },
    bounds: recipe.clip ? (model.inputRange ?? [0, 1]) : null,
    seed: recipe.seed,
    batchSize,
  });
  const adversarial = result.clipped[0]!;
  try {
    const logits = predictLogits(model, adversarial, batchSize);
    const labels = Int32Array.from(
      inputs.labels instanceof tf.Tensor ? inputs.labels.dataSync() : inputs.labels,
    );
    return {
      inputs: Float32Array.from(adversarial.dataSync()),
      inputShape: [...model.inputShape],
      labels,
      violations: logitViolations(logits, labels, model.numClasses),
      robustAccuracy: result.robustAccuracy![0]!,
      recipe: { ...recipe },
      attack: attack.config,
      batchSize,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    tf.dispose([...result.raw, ...result.clipped]);
  }
}

/**
 * The k most violated adversarials of every true class, most violated first
 * (|X_adv| = k · classes). Throws when a class has fewer than k candidates (with
 * `classesPresentOnly`, classes absent from the pool are skipped and listed in the recipe).
 */
export function selectAdversarialSet(
  pool: AdversarialPool,
  perClass: number,
  numClasses: number,
  { misclassifiedOnly = false, classesPresentOnly = false }: SelectOptions = {},
): AdversarialSet {
  if (!Number.isInteger(perClass) || perClass < 1)
    throw new AttackConfigError(`perClass must be a positive integer, got ${perClass}`);
  const rowSize = pool.inputShape.reduce((a, b) => a * b, 1);
  const chosen: number[] = [];
  const skippedClasses: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const ofClass = [...pool.labels.keys()].filter(
      (i) => pool.labels[i] === c && (!misclassifiedOnly || pool.violations[i]! > 0),
    );
    if (classesPresentOnly && !pool.labels.includes(c)) {
      skippedClasses.push(c);
      continue;
    }
    if (ofClass.length < perClass) {
      throw new AttackInputError(
        `class ${c} has ${ofClass.length} ${misclassifiedOnly ? 'misclassified adversarials' : 'examples in the pool'}, ${perClass} needed: attack more source examples`,
      );
    }
    ofClass.sort((a, b) => pool.violations[b]! - pool.violations[a]!);
    chosen.push(...ofClass.slice(0, perClass));
  }
  const rows = new Float32Array(chosen.length * rowSize);
  chosen.forEach((i, r) =>
    rows.set(pool.inputs.subarray(i * rowSize, (i + 1) * rowSize), r * rowSize),
  );
  return {
    x: tf.tensor(rows, [chosen.length, ...pool.inputShape], 'float32'),
    labels: Int32Array.from(chosen, (i) => pool.labels[i]!),
    sourceIndices: chosen,
    violations: chosen.map((i) => pool.violations[i]!),
    recipe: {
      ...pool.recipe,
      attack: pool.attack,
      labels: 'predicted',
      rank: 'max_{j≠y} z_j − z_y, top-k per true class',
      perClass,
      misclassifiedOnly,
      batchSize: pool.batchSize,
      ...(classesPresentOnly ? { skippedClasses } : {}),
    },
  };
}

/** `adversarialPool` then `selectAdversarialSet`: the recipe in one call. */
export async function adversarialSet(
  model: Classifier,
  inputs: AttackInputs & { labels: NonNullable<AttackInputs['labels']> },
  perClass: number,
  recipe: AdversarialSetRecipe = cuttingPlaneRecipe,
  options: SelectOptions & { batchSize?: number } = {},
): Promise<AdversarialSet> {
  const pool = await adversarialPool(model, inputs, recipe, options);
  return selectAdversarialSet(pool, perClass, model.numClasses, options);
}
