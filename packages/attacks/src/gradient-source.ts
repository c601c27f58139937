/**
 * How a classifier's `predict` produces its logits, hence what an input gradient means:
 * `forward-pass` (an ordinary network, or a lifted network whose free state is the forward
 * pass, e.g. the FY potential: exact), `unrolled-solver` (autodiff through the activity
 * solver's rounds: the adaptive attack), `implicit` (implicit differentiation at the solver's
 * fixed point), `surrogate` (a stand-in model's gradient, e.g. BPDA).
 */
export type GradientSource = 'forward-pass' | 'unrolled-solver' | 'implicit' | 'surrogate';

/** Optional property a `Classifier` may carry to say which gradient attacks get through it. */
export interface DeclaresGradientSource {
  readonly gradientSource?: GradientSource;
}

/** What a result reports about the gradient it used. */
export interface GradientReport {
  source: GradientSource;
  /** False when the classifier did not declare it and `forward-pass` was assumed. */
  declared: boolean;
}

export function gradientReport(model: object): GradientReport {
  const declared = (model as DeclaresGradientSource).gradientSource;
  return declared === undefined
    ? { source: 'forward-pass', declared: false }
    : { source: declared, declared: true };
}
