// Test-set evaluation of a repair (CUTTING_PLANE.md §4): clean accuracy, transfer robustness
// (examples made against w̄) and adaptive robustness (fresh attacks on the repaired w), kept apart.
import * as tf from '@tensorflow/tfjs-core';
import { autoAttack, fgsm, gradientMaskingChecks, pgd, runAttack, type Attack, type AttackLossName, type Bounds, type MaskingWarning } from '@liftguard/attacks';
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
  /** AutoAttack version run beside FGSM / PGD in every white-box evaluation; absent or null: none (entries from before the suite). */
  autoAttack?: 'standard' | 'quick' | null;
}

/** One AutoAttack run on the test images: robust accuracy, per-stage breakdown, gradient-masking warnings. */
export interface SuiteEvaluation {
  version: 'standard' | 'quick';
  robustAccuracy: number[];
  /** Per stage and ε: examples attacked and broken (the first stage's broken include the clean-misclassified), seconds. */
  stages: { name: string; attacked: number[]; broken: number[]; robustAccuracy: number[]; seconds: number[] }[];
  seconds: number;
  /** `gradientMaskingChecks` on the suite, FGSM beside it and the model (64 probe images). */
  maskingWarnings: MaskingWarning[];
}

/** An FGSM curve on the same images, for the single-step masking check. */
export interface FgsmCurve {
  epsilons: number[];
  robustAccuracy: number[];
  cleanAccuracy: number;
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

/** The AutoAttack suite (L∞, `settings.autoAttack`) against `classifier`, with the gradient-masking checks; null when the settings ask for none. */
export async function suiteEvaluation(classifier: Classifier, test: TestSet, settings: EvaluationSettings, fgsmCurve: FgsmCurve): Promise<SuiteEvaluation | null> {
  const version = settings.autoAttack ?? null;
  if (version === null) return null;
  const started = performance.now();
  const suite = await autoAttack(classifier, { x: test.x, labels: test.labels }, { norm: 'linf', version, ...attackRunOptions(settings), returnAdversarials: false });
  const maskingWarnings = gradientMaskingChecks({ suite, singleStep: [{ name: 'FGSM', result: fgsmCurve }], model: classifier, x: test.x, labels: test.labels });
  return {
    version,
    robustAccuracy: suite.robustAccuracy!,
    stages: suite.stages.map((s) => ({ name: s.name, attacked: [...s.attacked], broken: [...s.broken], robustAccuracy: [...s.robustAccuracy!], seconds: s.timingsMs.map((ms) => ms / 1000) })),
    seconds: (performance.now() - started) / 1000,
    maskingWarnings,
  };
}

export interface AdaptiveEvaluation {
  accuracy: RobustAccuracy;
  suite: SuiteEvaluation | null;
}

/** Fresh white-box FGSM and PGD against `classifier` itself, and the AutoAttack suite when the settings ask for it. */
export async function adaptiveAccuracy(classifier: Classifier, test: TestSet, settings: EvaluationSettings): Promise<AdaptiveEvaluation> {
  const accuracy = { fgsm: [] as number[], pgd: [] as number[] };
  let cleanAccuracy = 0;
  for (const name of evaluationAttackNames) {
    const result = await runAttack(classifier, { x: test.x, labels: test.labels }, evaluationAttack(name, settings), { ...attackRunOptions(settings), returnAdversarials: false });
    accuracy[name] = result.robustAccuracy!;
    cleanAccuracy = result.cleanAccuracy!;
  }
  const suite = await suiteEvaluation(classifier, test, settings, { epsilons: settings.epsilons, robustAccuracy: accuracy.fgsm, cleanAccuracy });
  return { accuracy, suite };
}
