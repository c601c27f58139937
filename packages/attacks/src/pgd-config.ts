import { validateOptions, type OptionSchema } from '@liftguard/tensor';
import { AttackConfigError } from './errors.js';
import type { NormName } from './norms/norm-strategy.js';
import { norms } from './norms/registry.js';
import { attackObjectives, type AttackLossName } from './objectives/registry.js';

/** Step size, either in input units or as a multiple of ε; the type says which. */
export type StepSize = { absolute: number } | { relativeToEpsilon: number };

/** What a user may pass to `pgd`; every field but `norm` has a default. */
export interface PgdOptions {
  /** A registered norm ('linf', 'l2', 'l1' or one added with `registerNorm`). */
  norm: NormName;
  /** Gradient steps per restart (default 40). */
  steps?: number;
  /** Default `{ relativeToEpsilon: 2.5 / steps }` (Madry et al.: enough to cross the ball). */
  stepSize?: StepSize;
  /** Start uniformly in the ε-ball (default true). */
  randomStart?: boolean;
  /** Independent runs; each example keeps its worst case (default 1). */
  restarts?: number;
  /** The registered attack objective to ascend (default 'cross-entropy'). */
  loss?: AttackLossName;
}

/** Every PGD setting spelled out, as echoed in results. */
export type ResolvedPgdConfig = {
  attack: string;
  norm: NormName;
  steps: number;
  stepSize: StepSize;
  randomStart: boolean;
  restarts: number;
  loss: AttackLossName;
};

/** The norm and objective options every gradient attack shares. */
export const normAndObjectiveOptions: readonly OptionSchema[] = [
  { name: 'norm', type: 'string', choices: () => norms.names(), description: 'threat-model norm' },
  {
    name: 'loss',
    type: 'string',
    choices: () => attackObjectives.names(),
    default: 'cross-entropy',
    description: 'attack objective to ascend',
  },
];

/** The options `fgsm` accepts: the norm (default 'linf') and the objective. */
export const fgsmOptions: readonly OptionSchema[] = [
  { ...normAndObjectiveOptions[0]!, default: 'linf' },
  normAndObjectiveOptions[1]!,
];

/** The options `pgd` accepts, with their ranges: help text and validation read this. */
export const pgdOptions: readonly OptionSchema[] = [
  { ...normAndObjectiveOptions[0]!, required: true },
  { name: 'steps', type: 'integer', min: 1, default: 40, description: 'gradient steps per restart' },
  {
    name: 'stepSize',
    type: 'object',
    description: '{ absolute: x } or { relativeToEpsilon: x }, x > 0 (default 2.5·ε/steps)',
  },
  { name: 'randomStart', type: 'boolean', default: true, description: 'start uniformly in the ε-ball' },
  { name: 'restarts', type: 'integer', min: 1, default: 1, description: 'independent runs, worst case kept' },
  normAndObjectiveOptions[1]!,
];

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new AttackConfigError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function validStepSize(stepSize: StepSize): StepSize {
  const value = 'absolute' in stepSize ? stepSize.absolute : stepSize.relativeToEpsilon;
  if (!Number.isFinite(value) || value <= 0) {
    throw new AttackConfigError(
      `stepSize must be a positive finite number, got ${JSON.stringify(stepSize)}`,
    );
  }
  return 'absolute' in stepSize ? { absolute: value } : { relativeToEpsilon: value };
}

/** Fills in defaults and rejects impossible values and unknown options with a message naming the field. */
export function resolvePgdConfig(options: PgdOptions, attack = 'pgd'): ResolvedPgdConfig {
  norms.get(options.norm);
  const steps = positiveInteger('steps', options.steps ?? 40);
  const loss = options.loss ?? 'cross-entropy';
  if (!attackObjectives.has(loss)) {
    throw new AttackConfigError(
      `unknown loss '${String(loss)}'; known attack objectives: ${attackObjectives.names().join(', ')}`,
    );
  }
  const resolved: ResolvedPgdConfig = {
    attack,
    norm: options.norm,
    steps,
    stepSize: validStepSize(options.stepSize ?? { relativeToEpsilon: 2.5 / steps }),
    randomStart: options.randomStart ?? true,
    restarts: positiveInteger('restarts', options.restarts ?? 1),
    loss,
  };
  checkAttackOptions(attack, pgdOptions, options);
  return resolved;
}

/** Rejects unknown options and out-of-range values against a schema, as an AttackConfigError. */
export function checkAttackOptions(attack: string, schema: readonly OptionSchema[], options: object): void {
  try {
    validateOptions({ name: attack, description: '', options: schema }, { ...options });
  } catch (error) {
    throw new AttackConfigError((error as Error).message);
  }
}

/** The step in input units for one ε. */
export function absoluteStepSize(stepSize: StepSize, epsilon: number): number {
  return 'absolute' in stepSize ? stepSize.absolute : stepSize.relativeToEpsilon * epsilon;
}
