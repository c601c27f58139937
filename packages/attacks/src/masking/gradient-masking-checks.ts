import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { AttackConfigError } from '../errors.js';
import type { WorstCaseResult } from '../run-attacks.js';
import { validateInputs, validateLabels, type LabelInput } from '../validate.js';
import { defaultMaskingThresholds, type MaskingThresholds, type MaskingWarning } from './masking-warning.js';
import { checkDeadGradients, checkProbabilityOutputs, checkRandomizedPredictions } from './model-probes.js';
import {
  checkBlackBoxBeatsWhiteBox,
  checkMonotoneInEpsilon,
  checkRobustAboveClean,
  checkSingleStepMuchWeaker,
  type EpsilonCurve,
} from './result-checks.js';

/** What an evaluation produced, and the model and inputs to probe; every part is optional. */
export interface MaskingCheckInput {
  /** The suite's worst case (autoAttack or runAttacks): its stages give the per-attack breakdown. */
  suite?: WorstCaseResult;
  /** Single-attack results on the same examples, e.g. FGSM (runAttack results fit). */
  singleStep?: readonly { name: string; result: EpsilonCurve & { config?: { run: { numExamples: number } } } }[];
  /** The model and a few inputs for the probes (gradients, probabilities, randomness). */
  model?: Classifier;
  x?: tf.Tensor;
  /** True labels of x; the clean predictions when absent. */
  labels?: LabelInput;
}

export interface MaskingCheckOptions {
  /** Probes use the first this many rows of x (default 64). */
  sampleSize?: number;
  /** Attack names treated as black-box (default ['square']). */
  blackBoxAttacks?: readonly string[];
  thresholds?: Partial<MaskingThresholds>;
}

/**
 * Gradient-masking checks on an evaluation (issue #18, after Athalye et al. 2018 and Croce &
 * Hein 2020): each warning says which check fired, why it matters, and the numbers. No warning
 * is not a proof of robustness; a warning says the reported robust accuracy may be too high.
 */
export function gradientMaskingChecks(input: MaskingCheckInput, options: MaskingCheckOptions = {}): MaskingWarning[] {
  const thresholds = { ...defaultMaskingThresholds, ...options.thresholds };
  const sampleSize = options.sampleSize ?? 64;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new AttackConfigError(`gradientMaskingChecks: sampleSize must be a positive integer, got ${sampleSize}`);
  if ((input.model === undefined) !== (input.x === undefined)) throw new AttackConfigError('gradientMaskingChecks: model and x are given together (the probes need both)');
  const warnings: MaskingWarning[] = [];

  const { suite } = input;
  if (suite !== undefined) {
    const n = suite.config.run.numExamples;
    warnings.push(...checkMonotoneInEpsilon('the suite', suite, n, thresholds));
    warnings.push(...checkRobustAboveClean('the suite', suite));
    warnings.push(...checkBlackBoxBeatsWhiteBox(suite, options.blackBoxAttacks ?? ['square'], thresholds));
  }
  for (const { name, result } of input.singleStep ?? []) {
    const n = result.config?.run.numExamples ?? suite?.config.run.numExamples ?? 1;
    warnings.push(...checkMonotoneInEpsilon(name, result, n, thresholds));
    warnings.push(...checkRobustAboveClean(name, result));
    if (suite !== undefined) warnings.push(...checkSingleStepMuchWeaker(name, result, suite, thresholds));
  }

  if (input.model !== undefined && input.x !== undefined) {
    const { model, x } = input;
    validateInputs(model, x, null);
    const count = Math.min(sampleSize, x.shape[0]!);
    const sample = tf.slice(x, 0, count);
    try {
      warnings.push(...checkProbabilityOutputs(model, sample));
      warnings.push(...checkRandomizedPredictions(model, sample, thresholds));
      const labels = input.labels === undefined
        ? predictedLabels(model, sample)
        : validateLabels(input.labels, x.shape[0]!, model.numClasses).slice(0, count);
      warnings.push(...checkDeadGradients(model, sample, labels, thresholds));
    } finally {
      sample.dispose();
    }
  }
  return warnings;
}

function predictedLabels(model: Classifier, x: tf.Tensor): Int32Array {
  const best = tf.tidy(() => tf.argMax(model.predict(x), 1));
  const labels = Int32Array.from(best.dataSync());
  best.dispose();
  return labels;
}
