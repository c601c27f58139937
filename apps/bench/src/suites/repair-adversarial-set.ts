// X_adv by the authors' recipe (CUTTING_PLANE.md §4): L∞ PGD on training images against the
// model's predicted labels, ranked by violation max_{j≠y} z_j − z_y, top k per true class.
import * as tf from '@tensorflow/tfjs-core';
import { pgd, runAttack, type Bounds } from '@liftguard/attacks';
import type { ImageSet } from '@liftguard/data';
import type { Classifier } from '@liftguard/tensor';

export interface AdversarialRecipe {
  epsilon: number;
  steps: number;
  /** Absolute step in input units. */
  stepSize: number;
  randomStart: boolean;
  /** Clip adversarial inputs to [0, 1] (the authors' generator does not). */
  clip: boolean;
  seed: number;
}

/** ε = 0.1, 40 steps × 0.01, random start, cross-entropy on logits, no clipping. */
export const authorsRecipe: AdversarialRecipe = { epsilon: 0.1, steps: 40, stepSize: 0.01, randomStart: true, clip: false, seed: 7 };

/** Every source image attacked once, with the violation of its adversarial against the true label. */
export interface AdversarialPool {
  /** Adversarial inputs, one flat row per source image. */
  inputs: Float32Array;
  rowSize: number;
  inputShape: number[];
  /** True labels of the source images. */
  labels: Int32Array;
  /** max_{j≠y} z_j − z_y on the adversarial input (> 0: misclassified). */
  violations: Float64Array;
  /** Share of source images the original model still classifies correctly after the attack. */
  robustAccuracy: number;
  seconds: number;
}

/** An adversarial set drawn from the pool: the tensor is the caller's to dispose. */
export interface AdversarialSet {
  x: tf.Tensor;
  labels: Int32Array;
  /** Indices into the source images. */
  sourceIndices: number[];
  violations: number[];
}

export const recipeBounds = (recipe: AdversarialRecipe): Bounds => (recipe.clip ? [0, 1] : null);

/** Logit violation max_{j≠y} z_j − z_y of every row (no margin, no hinge). */
export function logitViolations(logits: Float32Array, labels: ArrayLike<number>, numClasses: number): Float64Array {
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let best = -Infinity;
    for (let j = 0; j < numClasses; j++) if (j !== y) best = Math.max(best, logits[i * numClasses + j]!);
    out[i] = best - logits[i * numClasses + y]!;
  }
  return out;
}

/** Runs the recipe's PGD on every source image (in batches) and scores each adversarial. */
export async function attackSourceImages(classifier: Classifier, source: ImageSet, recipe: AdversarialRecipe, batchSize = 500): Promise<AdversarialPool> {
  const started = performance.now();
  const inputShape = [...classifier.inputShape];
  const rowSize = inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(source.images.subarray(0, source.count * rowSize), [source.count, ...inputShape], 'float32');
  const attack = pgd({ norm: 'linf', steps: recipe.steps, stepSize: { absolute: recipe.stepSize }, randomStart: recipe.randomStart, loss: 'cross-entropy' });
  const result = await runAttack(classifier, { x, labels: source.labels }, attack, {
    epsilons: [recipe.epsilon],
    goal: { kind: 'untargeted', labels: 'predicted' },
    bounds: recipeBounds(recipe),
    seed: recipe.seed,
    batchSize,
  });
  const adversarial = result.clipped[0]!;
  const inputs = adversarial.dataSync() as Float32Array;
  const logits = new Float32Array(source.count * classifier.numClasses);
  for (let start = 0; start < source.count; start += batchSize) {
    const size = Math.min(batchSize, source.count - start);
    const batch = tf.tidy(() => classifier.predict(tf.slice(adversarial, start, size)));
    logits.set(batch.dataSync() as Float32Array, start * classifier.numClasses);
    batch.dispose();
  }
  tf.dispose([x, ...result.raw, ...result.clipped]);
  return {
    inputs: Float32Array.from(inputs),
    rowSize,
    inputShape,
    labels: Int32Array.from(source.labels.subarray(0, source.count)),
    violations: logitViolations(logits, source.labels, classifier.numClasses),
    robustAccuracy: result.robustAccuracy![0]!,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The k most violated misclassified adversarials of every true class (|X_adv| = k·classes).
 * Throws when a class has fewer than k misclassified adversarials: attack more source images.
 */
export function selectAdversarialSet(pool: AdversarialPool, perClass: number, numClasses: number): AdversarialSet {
  const chosen: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const ofClass = [...pool.labels.keys()].filter((i) => pool.labels[i] === c && pool.violations[i]! > 0);
    if (ofClass.length < perClass) throw new Error(`class ${c} has ${ofClass.length} misclassified adversarials, ${perClass} needed: attack more source images`);
    ofClass.sort((a, b) => pool.violations[b]! - pool.violations[a]!);
    chosen.push(...ofClass.slice(0, perClass));
  }
  const rows = new Float32Array(chosen.length * pool.rowSize);
  chosen.forEach((i, r) => rows.set(pool.inputs.subarray(i * pool.rowSize, (i + 1) * pool.rowSize), r * pool.rowSize));
  return {
    x: tf.tensor(rows, [chosen.length, ...pool.inputShape], 'float32'),
    labels: Int32Array.from(chosen, (i) => pool.labels[i]!),
    sourceIndices: chosen,
    violations: chosen.map((i) => pool.violations[i]!),
  };
}
