/** The checks `gradientMaskingChecks` runs, each a sign that an evaluation may overstate robustness. */
export type MaskingCheckName =
  | 'non-monotone-in-epsilon'
  | 'black-box-beats-white-box'
  | 'zero-or-nan-gradients'
  | 'probability-outputs'
  | 'randomized-predictions'
  | 'robust-above-clean'
  | 'single-step-much-weaker';

/** One warning: which check fired, a one-line reason, and the numbers behind it (JSON-safe). */
export interface MaskingWarning {
  check: MaskingCheckName;
  message: string;
  evidence: Record<string, number | string | boolean | number[] | null>;
}

/** When each check fires; every field has a default (see `defaultMaskingThresholds`). */
export interface MaskingThresholds {
  /** Robust accuracy may rise with ε by at most this many examples (one: a stochastic attack's luck). */
  monotoneSlackExamples: number;
  /** A black-box stage after white-box ones must break at least this many examples… */
  blackBoxMinExamples: number;
  /** …and more than this share of all examples (0.005 = half a point of robust accuracy). */
  blackBoxShare: number;
  /** Share of sampled points whose input gradient is all zero or not finite. */
  zeroGradientShare: number;
  /** Two predictions of the same input may differ by this times max(1, max |logit|). */
  randomnessRelative: number;
  /** Single-step robust accuracy minus the suite's, at some ε (0.3 = 30 points). */
  singleStepGap: number;
}

export const defaultMaskingThresholds: MaskingThresholds = {
  monotoneSlackExamples: 1,
  blackBoxMinExamples: 2,
  blackBoxShare: 0.005,
  zeroGradientShare: 0.1,
  randomnessRelative: 1e-5,
  singleStepGap: 0.3,
};
