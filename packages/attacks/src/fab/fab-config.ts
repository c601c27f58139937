import { AttackConfigError } from '../errors.js';
import { integerOption, realOption, rejectUnknownOptions } from '../options/checked-options.js';
import type { FabNorm } from './hyperplane-projection.js';

/** Options of `fabTargeted`; every field but `norm` has the reference code's default. */
export interface FabTargetedOptions {
  norm: FabNorm;
  /** Iterations per target and restart (default 100). */
  steps?: number;
  /** Runs per target; every run after the first starts at a random point (default 1). */
  restarts?: number;
  /** How many of the top classes of the clean logits to target in turn (default 9). */
  targetClasses?: number;
  /** Largest weight of the step from the clean point (default 0.1). */
  alphaMax?: number;
  /** Overshoot of each projection (default 1.05). */
  eta?: number;
  /** Backward step towards the clean point after a success (default 0.9). */
  beta?: number;
}

export type ResolvedFabConfig = {
  attack: 'fab-t';
  norm: FabNorm;
  steps: number;
  restarts: number;
  targetClasses: number;
  alphaMax: number;
  eta: number;
  beta: number;
};

export function resolveFabConfig(options: FabTargetedOptions): ResolvedFabConfig {
  const name = 'fab-t';
  if (options === null || typeof options !== 'object')
    throw new AttackConfigError(`${name}: options must be an object with at least a norm`);
  rejectUnknownOptions(name, options, [
    'norm',
    'steps',
    'restarts',
    'targetClasses',
    'alphaMax',
    'eta',
    'beta',
  ]);
  if (options.norm !== 'linf' && options.norm !== 'l2' && options.norm !== 'l1')
    throw new AttackConfigError(
      `${name}: norm must be one of linf, l2, l1, got ${JSON.stringify(options.norm)}`,
    );
  const eta = realOption(name, 'eta', options.eta, 1.05, 0, 2);
  if (eta < 1) throw new AttackConfigError(`${name}: eta must be a number in [1, 2], got ${eta}`);
  return {
    attack: name,
    norm: options.norm,
    steps: integerOption(name, 'steps', options.steps, 100, 1, 100_000),
    restarts: integerOption(name, 'restarts', options.restarts, 1, 1, 1000),
    targetClasses: integerOption(name, 'targetClasses', options.targetClasses, 9, 1, 10_000),
    alphaMax: realOption(name, 'alphaMax', options.alphaMax, 0.1, 0, 1),
    eta,
    beta: realOption(name, 'beta', options.beta, 0.9, 0, 1),
  };
}
