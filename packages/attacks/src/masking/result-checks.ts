import type { WorstCaseResult } from '../run-attacks.js';
import type { MaskingThresholds, MaskingWarning } from './masking-warning.js';

/** What the result checks read from any ε-list result (runAttack's or runAttacks'). */
export interface EpsilonCurve {
  epsilons: readonly number[];
  robustAccuracy: readonly number[] | null;
  cleanAccuracy: number | null;
}

const points = (share: number) => `${(100 * share).toFixed(2)} %`;

/** Robust accuracy must not rise with ε: a larger ball contains the smaller one. */
export function checkMonotoneInEpsilon(
  name: string,
  curve: EpsilonCurve,
  numExamples: number,
  thresholds: MaskingThresholds,
): MaskingWarning[] {
  if (curve.robustAccuracy === null) return [];
  const order = curve.epsilons.map((e, i) => ({ e, a: curve.robustAccuracy![i]! })).sort((p, q) => p.e - q.e);
  const slack = thresholds.monotoneSlackExamples / numExamples + 1e-12;
  const warnings: MaskingWarning[] = [];
  for (let k = 1; k < order.length; k++) {
    const lower = order[k - 1]!;
    const higher = order[k]!;
    if (higher.a > lower.a + slack) {
      warnings.push({
        check: 'non-monotone-in-epsilon',
        message: `${name}: robust accuracy rises from ${points(lower.a)} at ε = ${lower.e} to ${points(higher.a)} at ε = ${higher.e}; a larger ε-ball contains the smaller one, so the attack is failing to find what it found before (masked or noisy gradients)`,
        evidence: { attack: name, epsilonLow: lower.e, epsilonHigh: higher.e, robustAccuracyLow: lower.a, robustAccuracyHigh: higher.a, numExamples },
      });
    }
  }
  return warnings;
}

/** Robust accuracy can never exceed clean accuracy: the unperturbed input is in every ball. */
export function checkRobustAboveClean(name: string, curve: EpsilonCurve): MaskingWarning[] {
  if (curve.robustAccuracy === null || curve.cleanAccuracy === null) return [];
  const clean = curve.cleanAccuracy;
  return curve.epsilons.flatMap((epsilon, e) => {
    const robust = curve.robustAccuracy![e]!;
    if (robust <= clean + 1e-12) return [];
    return [{
      check: 'robust-above-clean' as const,
      message: `${name}: robust accuracy ${points(robust)} at ε = ${epsilon} is above clean accuracy ${points(clean)}; the clean input is inside every ε-ball, so predictions change between calls or the attack moves correct points the wrong way`,
      evidence: { attack: name, epsilon, robustAccuracy: robust, cleanAccuracy: clean },
    }];
  });
}

/**
 * A black-box stage (Square) that breaks points every earlier white-box stage missed means the
 * gradients did not lead where the loss does (AutoAttack's reason for including Square).
 */
export function checkBlackBoxBeatsWhiteBox(
  suite: WorstCaseResult,
  blackBoxAttacks: readonly string[],
  thresholds: MaskingThresholds,
): MaskingWarning[] {
  const n = suite.config.run.numExamples;
  const warnings: MaskingWarning[] = [];
  suite.stages.forEach((stage, s) => {
    if (!blackBoxAttacks.includes(stage.name)) return;
    const whiteBefore = suite.stages.slice(0, s).filter((p) => !blackBoxAttacks.includes(p.name)).map((p) => p.name);
    if (whiteBefore.length === 0) return;
    suite.epsilons.forEach((epsilon, e) => {
      const broken = stage.broken[e] ?? 0;
      if (broken < thresholds.blackBoxMinExamples || broken / n <= thresholds.blackBoxShare + 1e-12) return;
      warnings.push({
        check: 'black-box-beats-white-box',
        message: `${stage.name} broke ${broken} of ${n} examples (${points(broken / n)}) at ε = ${epsilon} that ${whiteBefore.join(', ')} could not; gradient attacks missing what random search finds is the signature of masked gradients`,
        evidence: { attack: stage.name, epsilon, broken, attacked: stage.attacked[e] ?? 0, numExamples: n, whiteBoxStages: whiteBefore.join(', ') },
      });
    });
  });
  return warnings;
}

/** A single-step attack far weaker than the suite: the gradient at x says little about the loss nearby. */
export function checkSingleStepMuchWeaker(
  name: string,
  single: EpsilonCurve,
  suite: EpsilonCurve,
  thresholds: MaskingThresholds,
): MaskingWarning[] {
  if (single.robustAccuracy === null || suite.robustAccuracy === null) return [];
  const warnings: MaskingWarning[] = [];
  single.epsilons.forEach((epsilon, i) => {
    const j = suite.epsilons.indexOf(epsilon);
    if (j < 0) return;
    const gap = single.robustAccuracy![i]! - suite.robustAccuracy![j]!;
    if (gap <= thresholds.singleStepGap + 1e-9) return; // accuracies are ratios of counts: float noise must not tip the threshold
    warnings.push({
      check: 'single-step-much-weaker',
      message: `${name} leaves ${points(single.robustAccuracy![i]!)} robust at ε = ${epsilon}, the suite ${points(suite.robustAccuracy![j]!)}: a gap of ${(100 * gap).toFixed(1)} points (> ${(100 * thresholds.singleStepGap).toFixed(0)}) means the loss is far from linear around the inputs (curvature or masking near x)`,
      evidence: { attack: name, epsilon, singleStepRobustAccuracy: single.robustAccuracy![i]!, suiteRobustAccuracy: suite.robustAccuracy![j]!, gap },
    });
  });
  return warnings;
}
