import type { AttackLossName } from './attack-loss.js';
import { AttackConfigError } from './errors.js';
import type { NormName } from './norms/norm-strategy.js';
import { normNames } from './norms/registry.js';

/** Step size, either in input units or as a multiple of ε; the type says which. */
export type StepSize = { absolute: number } | { relativeToEpsilon: number };

/** What a user may pass to `pgd`; every field but `norm` has a default. */
export interface PgdOptions {
  norm: NormName;
  /** Gradient steps per restart (default 40). */
  steps?: number;
  /** Default `{ relativeToEpsilon: 2.5 / steps }` (Madry et al.: enough to cross the ball). */
  stepSize?: StepSize;
  /** Start uniformly in the ε-ball (default true). */
  randomStart?: boolean;
  /** Independent runs; each example keeps its worst case (default 1). */
  restarts?: number;
  /** Default 'cross-entropy'. */
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

/** Fills in defaults and rejects impossible values with a message naming the field. */
export function resolvePgdConfig(options: PgdOptions, attack = 'pgd'): ResolvedPgdConfig {
  if (!normNames.includes(options.norm)) {
    throw new AttackConfigError(
      `unknown norm '${String(options.norm)}'; known norms: ${normNames.join(', ')}`,
    );
  }
  const steps = positiveInteger('steps', options.steps ?? 40);
  const loss = options.loss ?? 'cross-entropy';
  if (loss !== 'cross-entropy' && loss !== 'margin')
    throw new AttackConfigError(`unknown loss '${String(loss)}'`);
  return {
    attack,
    norm: options.norm,
    steps,
    stepSize: validStepSize(options.stepSize ?? { relativeToEpsilon: 2.5 / steps }),
    randomStart: options.randomStart ?? true,
    restarts: positiveInteger('restarts', options.restarts ?? 1),
    loss,
  };
}

/** The step in input units for one ε. */
export function absoluteStepSize(stepSize: StepSize, epsilon: number): number {
  return 'absolute' in stepSize ? stepSize.absolute : stepSize.relativeToEpsilon * epsilon;
}
