import type { OptionSchema } from '@liftguard/tensor';
import { targetRules } from './target-rule.js';

// What each loss accepts, with ranges and defaults, for help text; each factory validates its own.

const maxGradientNorm: OptionSchema = {
  name: 'maxGradientNorm',
  type: 'number',
  min: 0,
  exclusiveMin: true,
  description: 'clip the global gradient norm to this (default: no clipping)',
};

const output = (fallback: string): OptionSchema => ({
  name: 'output',
  type: 'string',
  choices: ['squared', 'cross-entropy'],
  default: fallback,
  description: 'target loss ℓ on the logits',
});

export const backpropOptionSchemas: readonly OptionSchema[] = [maxGradientNorm];

export const simpleAdversarialOptionSchemas: readonly OptionSchema[] = [
  { name: 'beta', type: 'number', min: 0, exclusiveMin: true, default: 0.5, description: "step size β of x' = x + β·∇ₓℓ" },
  output('squared'),
  { name: 'inputBounds', type: 'object', description: "clip x' to [low, high] (default: no clipping)" },
  maxGradientNorm,
];

export const pgdAdversarialOptionSchemas: readonly OptionSchema[] = [
  { name: 'perturb', type: 'function', required: true, description: 'perturb(model, x, labels): adversarial inputs (an attack)' },
  { name: 'attack', type: 'object', description: 'the attack’s description for the config echo' },
  output('cross-entropy'),
  { name: 'adversarialWeight', type: 'number', min: 0, max: 1, default: 1, description: 'w of (1 − w)·ℓ(x) + w·ℓ(x_adv)' },
  maxGradientNorm,
];

/** Options every lifted-network loss shares. */
export const liftedOptionSchemas: readonly OptionSchema[] = [
  { name: 'beta', type: 'number', min: 0, exclusiveMin: true, default: 0.5, description: 'β: weight of the loss term against the potential' },
  { name: 'gamma', type: 'any', default: 1, description: 'per-layer weights γ > 0: one number, one per layer, or { hidden, output }' },
  { name: 'rounds', type: 'integer', min: 1, default: 5, description: 'solver rounds T (truncated on purpose)' },
  { name: 'damping', type: 'string', choices: ['majorize', 'authors', 'none'], default: 'majorize', description: 'hidden-update damping' },
  { name: 'tolerance', type: 'number', min: 0, description: 'stop a solve once max |Δz| ≤ tolerance (default: all rounds)' },
  { name: 'solverTrace', type: 'string', choices: ['changes', 'objective'], default: 'changes', description: "what a solve records per round: max |Δz| ('changes'), or also Ψ and its terms ('objective': the solverMonotone diagnostic, one more energy evaluation per round)" },
  { name: 'schedule', type: 'string', choices: ['top-down', 'bottom-up', 'alternating'], default: 'top-down', description: 'layer order per round' },
  output('squared'),
  { name: 'potential', type: 'string', choices: ['fenchel-young', 'least-squares'], default: 'fenchel-young', description: 'potential family of the lifted reading' },
  maxGradientNorm,
];

/** The targeted AROVR losses' own options. */
export const targetedOptionSchemas: readonly OptionSchema[] = [
  { name: 'alpha', type: 'number', min: 0, exclusiveMin: true, default: 1, description: 'α of z^t = argmin ℓ(z_L, t) + U^γ(z)/α' },
  { name: 'target', type: 'string', choices: targetRules, default: 'highest-wrong', description: 'which wrong classes t, with which weights' },
  { name: 'temperature', type: 'number', min: 0, exclusiveMin: true, description: "τ of the 'temperature' rule (default 0.1; only with that rule)" },
  { name: 'mix', type: 'number', min: 0, default: 1, description: 'λ of L_AROVR + λ·L_{α,β} (mixed losses)' },
  { name: 'seed', type: 'integer', default: 0, description: 'seed of the random-wrong targets' },
];

/** AROVR^d's own options. */
export const distanceOptionSchemas: readonly OptionSchema[] = [
  { name: 'distance', type: 'any', default: 1, description: 'ρ ≥ 0 of d(z′, z): one number or one per layer' },
  { name: 'envelopeRounds', type: 'integer', min: 1, default: 5, description: 'rounds of each envelope solve' },
  { name: 'adversarialRounds', type: 'integer', min: 1, default: 3, description: 'adversarial sweeps per outer round' },
];

/** `schemas` with some defaults replaced (e.g. AROVR-γ's γ = { hidden: 0.5, output: 1 }). */
export function withDefaults(schemas: readonly OptionSchema[], defaults: Record<string, unknown>): OptionSchema[] {
  return schemas.map((o) => (o.name in defaults ? { ...o, default: defaults[o.name] } : o));
}

/** The option names of a schema: what a factory accepts, for `rejectUnknownOptions`. */
export function optionNames(schemas: readonly OptionSchema[]): string[] {
  return schemas.map((o) => o.name);
}
