// Test-set evaluation of a repair (CUTTING_PLANE.md §4): clean accuracy, transfer robustness
// (examples made against w̄) and adaptive robustness (fresh attacks on the repaired w), kept apart.
import * as tf from '@tensorflow/tfjs-core';
import { fgsm, pgd, runAttack, type Attack, type AttackLossName, type Bounds } from '@liftguard/attacks';
import { accuracy as accuracyOf, predictClasses, type Classifier } from '@liftguard/tensor';

export type EvaluationAttackName = 'fgsm' | 'pgd';
export const evaluationAttackNames: readonly EvaluationAttackName[] = ['fgsm', 'pgd'];

export interface EvaluationSettings {
  epsilons: number[];
  bounds: Bounds;
  seed: number;
  batchSize: number;
  /** PGD steps (step 2.5ε/steps, random start, on the true labels). */
  pgdSteps: number;
  /** Loss both attacks ascend; 'margin' checks that cross-entropy results are not gradient masking. */
  loss: AttackLossName;
}

/** Accuracy per attack and ε (same order as `epsilons`). */
export type RobustAccuracy = Record<EvaluationAttackName, number[]>;

export interface TestSet {
  x: tf.Tensor;
  labels: Int32Array;
}

export function evaluationAttack(name: EvaluationAttackName, settings: EvaluationSettings): Attack {
  return name === 'fgsm' ? fgsm({ norm: 'linf', loss: settings.loss }) : pgd({ norm: 'linf', steps: settings.pgdSteps, loss: settings.loss });
}

// The batched prediction and accuracy every package shares (@liftguard/tensor).
export { accuracy as accuracyOf, predictClasses } from '@liftguard/tensor';

/** Test-set adversarials against the original model, kept to evaluate repaired models on (transfer). */
export class TransferSet {
  private constructor(
    /** adversarials[attack][e]: clipped adversarial inputs at epsilons[e]. */
    private readonly adversarials: Record<EvaluationAttackName, tf.Tensor[]>,
    readonly originalAccuracy: RobustAccuracy,
    readonly seconds: number,
  ) {}

  static async generate(original: Classifier, test: TestSet, settings: EvaluationSettings): Promise<TransferSet> {
    const started = performance.now();
    const adversarials = { fgsm: [] as tf.Tensor[], pgd: [] as tf.Tensor[] };
    const accuracy = { fgsm: [] as number[], pgd: [] as number[] };
    for (const name of evaluationAttackNames) {
      const result = await runAttack(original, { x: test.x, labels: test.labels }, evaluationAttack(name, settings), attackRunOptions(settings));
      tf.dispose(result.raw);
      adversarials[name] = result.clipped;
      accuracy[name] = result.robustAccuracy!;
    }
    return new TransferSet(adversarials, accuracy, (performance.now() - started) / 1000);
  }

  /** Accuracy of `classifier` on the stored adversarials. */
  evaluate(classifier: Classifier, labels: Int32Array, batchSize: number): RobustAccuracy {
    const of = (name: EvaluationAttackName) => this.adversarials[name].map((x) => accuracyOf(predictClasses(classifier, x, batchSize), labels));
    return { fgsm: of('fgsm'), pgd: of('pgd') };
  }

  dispose(): void {
    for (const name of evaluationAttackNames) tf.dispose(this.adversarials[name]);
  }
}

/** The ε list, bounds, seed and batch size both evaluations attack with. */
function attackRunOptions(settings: EvaluationSettings) {
  return { epsilons: settings.epsilons, bounds: settings.bounds, seed: settings.seed, batchSize: settings.batchSize };
}

/** Fresh white-box FGSM and PGD against `classifier` itself. */
export async function adaptiveAccuracy(classifier: Classifier, test: TestSet, settings: EvaluationSettings): Promise<RobustAccuracy> {
  const accuracy = { fgsm: [] as number[], pgd: [] as number[] };
  for (const name of evaluationAttackNames) {
    const result = await runAttack(classifier, { x: test.x, labels: test.labels }, evaluationAttack(name, settings), { ...attackRunOptions(settings), returnAdversarials: false });
    accuracy[name] = result.robustAccuracy!;
  }
  return accuracy;
}
