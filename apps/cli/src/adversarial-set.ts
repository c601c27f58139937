import * as tf from '@tensorflow/tfjs-core';
import { pgd, runAttack } from '@liftguard/attacks';
import type { Classifier } from '@liftguard/tensor';

export interface AdversarialSetOptions {
  /** Examples per class (|X_adv| = perClass · classes). */
  perClass: number;
  epsilon: number;
  steps: number;
  stepSize: number;
  /** Clip to [0, 1] (the authors' generator does not). */
  clip: boolean;
  seed: number;
}

export interface AdversarialSet {
  x: tf.Tensor;
  labels: Int32Array;
  /** max_{j≠y} z_j − z_y per chosen example (positive: misclassified). */
  violations: number[];
  /** Indices into the pool they were drawn from. */
  sourceIndices: number[];
  recipe: Record<string, unknown>;
}

/**
 * The cutting-plane paper's adversarial data (CUTTING_PLANE.md §4): L∞ PGD against the model's
 * predicted labels, then the top-k most violated examples per true class.
 */
export async function adversarialSet(model: Classifier, x: tf.Tensor, labels: Int32Array, options: AdversarialSetOptions): Promise<AdversarialSet> {
  const attack = pgd({ norm: 'linf', steps: options.steps, stepSize: { absolute: options.stepSize }, randomStart: true });
  const result = await runAttack(model, { x, labels }, attack, {
    epsilons: [options.epsilon],
    goal: { kind: 'untargeted', labels: 'predicted' },
    bounds: options.clip ? [0, 1] : null,
    seed: options.seed,
    batchSize: 250,
  });
  const adversarial = result.clipped[0]!;
  try {
    const logits = tf.tidy(() => model.predict(adversarial).arraySync() as number[][]);
    const violation = logits.map((row, i) => Math.max(...row.filter((_, j) => j !== labels[i])) - row[labels[i]!]!);
    const chosen: number[] = [];
    for (let c = 0; c < model.numClasses; c++) {
      const ofClass = violation.map((v, i) => [v, i] as const).filter(([, i]) => labels[i] === c);
      ofClass.sort((a, b) => b[0] - a[0]);
      chosen.push(...ofClass.slice(0, options.perClass).map(([, i]) => i));
    }
    if (chosen.length < options.perClass * model.numClasses) {
      throw new Error(`the pool has too few examples of some class for ${options.perClass} per class`);
    }
    const index = tf.tensor1d(chosen, 'int32');
    const set = tf.gather(adversarial, index);
    index.dispose();
    return {
      x: set,
      labels: Int32Array.from(chosen, (i) => labels[i]!),
      violations: chosen.map((i) => violation[i]!),
      sourceIndices: chosen,
      recipe: { attack: attack.config, epsilon: options.epsilon, labels: 'predicted', clip: options.clip, perClass: options.perClass, rank: 'max_j z_j − z_y, top-k per true class', seed: options.seed },
    };
  } finally {
    tf.dispose([...result.raw, ...result.clipped]);
  }
}
