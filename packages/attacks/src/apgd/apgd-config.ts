import { AttackConfigError } from '../errors.js';
import type { NormName } from '../norms/norm-strategy.js';
import {
  choiceOption,
  integerOption,
  realOption,
  rejectUnknownOptions,
} from '../options/checked-options.js';
import type { ApgdNorm } from './apgd-geometry.js';

/** The untargeted losses APGD ascends. */
export type ApgdLoss = 'cross-entropy' | 'dlr';

/** Options of `apgd`; every field but `norm` has the reference code's default. */
export interface ApgdOptions {
  norm: ApgdNorm;
  /** Iterations per restart (default 100). */
  steps?: number;
  /** Runs on the examples still robust after the previous ones (default 1). */
  restarts?: number;
  /** Default 'cross-entropy' (APGD-CE); 'dlr' gives APGD-DLR. */
  loss?: ApgdLoss;
  /**
   * L∞ and L2 only: condition 1's threshold, halve the step if the loss rose in ≤ ρ of the steps
   * (default 0.75). L1-APGD adapts its step by the sparsity of the best point instead.
   */
  rho?: number;
  /**
   * Expectation over transformation: forward/backward passes averaged into each step's gradient
   * and loss, for randomized models (default 1; AutoAttack's version 'rand' uses 20).
   */
  eotSamples?: number;
  /**
   * L1 only: 'decreasing' (default, AutoAttack's L1 setting) spends 30 % of the steps at 3ε and
   * 30 % at 2ε before the rest at ε, each phase starting from the previous best point; 'fixed'
   * runs every step at ε (the paper's plain L1-APGD).
   */
  epsilonSchedule?: L1EpsilonSchedule;
}

/** How L1-APGD spends its steps over radii (see `ApgdOptions.epsilonSchedule`). */
export type L1EpsilonSchedule = 'decreasing' | 'fixed';

/** Options of `apgdTargeted` (APGD-T). */
export interface ApgdTargetedOptions {
  norm: ApgdNorm;
  steps?: number;
  /** Runs per target class on the examples still robust (default 1). */
  restarts?: number;
  /** How many of the top classes of the clean logits to target in turn (default 9). */
  targetClasses?: number;
  /** L∞ and L2 only, as for `apgd` (default 0.75). */
  rho?: number;
  /** Passes averaged per step for randomized models (default 1), as for `apgd`. */
  eotSamples?: number;
  /** L1 only, as for `apgd` (default 'decreasing'). */
  epsilonSchedule?: L1EpsilonSchedule;
}

export type ResolvedApgdConfig = {
  attack: string;
  norm: NormName;
  steps: number;
  restarts: number;
  loss: ApgdLoss | 'targeted-dlr';
  /** Set for L∞ and L2 only. */
  rho?: number;
  eotSamples: number;
  targetClasses?: number;
  /** Set for L1 only. */
  epsilonSchedule?: L1EpsilonSchedule;
};

export const apgdNorms: readonly ApgdNorm[] = ['linf', 'l2', 'l1'];
const maxSteps = 100_000;
const maxRestarts = 1000;
const maxEotSamples = 10_000;

function checkedNorm(attack: string, norm: unknown): ApgdNorm {
  if (typeof norm !== 'string' || !apgdNorms.includes(norm as ApgdNorm))
    throw new AttackConfigError(
      `${attack}: norm must be one of ${apgdNorms.join(', ')}, got ${JSON.stringify(norm)}`,
    );
  return norm as ApgdNorm;
}

/**
 * The options one step rule has and the other lacks: ρ (the momentum rule's oscillation
 * threshold) for L∞ and L2, the radius schedule for L1; each refused where it would be ignored.
 */
function stepRuleOptions(
  attack: string,
  norm: ApgdNorm,
  options: { rho?: unknown; epsilonSchedule?: unknown },
): { rho?: number; epsilonSchedule?: L1EpsilonSchedule } {
  if (norm === 'l1') {
    if (options.rho !== undefined) throw new AttackConfigError(`${attack}: rho applies to norms linf and l2 only, not l1`);
    return { epsilonSchedule: choiceOption<L1EpsilonSchedule>(attack, 'epsilonSchedule', options.epsilonSchedule, 'decreasing', ['decreasing', 'fixed']) };
  }
  if (options.epsilonSchedule !== undefined)
    throw new AttackConfigError(`${attack}: epsilonSchedule applies to norm l1 only, not ${norm}`);
  return { rho: realOption(attack, 'rho', options.rho, 0.75, 0, 1) };
}

export function resolveApgdConfig(options: ApgdOptions): ResolvedApgdConfig {
  const name = 'apgd';
  if (options === null || typeof options !== 'object')
    throw new AttackConfigError(`${name}: options must be an object with at least a norm`);
  rejectUnknownOptions(name, options, ['norm', 'steps', 'restarts', 'loss', 'rho', 'eotSamples', 'epsilonSchedule']);
  const loss = choiceOption(name, 'loss', options.loss, 'cross-entropy', ['cross-entropy', 'dlr']);
  const norm = checkedNorm(name, options.norm);
  return {
    attack: loss === 'dlr' ? 'apgd-dlr' : 'apgd-ce',
    norm,
    steps: integerOption(name, 'steps', options.steps, 100, 1, maxSteps),
    restarts: integerOption(name, 'restarts', options.restarts, 1, 1, maxRestarts),
    loss,
    eotSamples: integerOption(name, 'eotSamples', options.eotSamples, 1, 1, maxEotSamples),
    ...stepRuleOptions(name, norm, options),
  };
}

export function resolveApgdTargetedConfig(options: ApgdTargetedOptions): ResolvedApgdConfig {
  const name = 'apgd-t';
  if (options === null || typeof options !== 'object')
    throw new AttackConfigError(`${name}: options must be an object with at least a norm`);
  rejectUnknownOptions(name, options, ['norm', 'steps', 'restarts', 'targetClasses', 'rho', 'eotSamples', 'epsilonSchedule']);
  const norm = checkedNorm(name, options.norm);
  return {
    attack: name,
    norm,
    steps: integerOption(name, 'steps', options.steps, 100, 1, maxSteps),
    restarts: integerOption(name, 'restarts', options.restarts, 1, 1, maxRestarts),
    loss: 'targeted-dlr',
    eotSamples: integerOption(name, 'eotSamples', options.eotSamples, 1, 1, maxEotSamples),
    targetClasses: integerOption(name, 'targetClasses', options.targetClasses, 9, 1, 10_000),
    ...stepRuleOptions(name, norm, options),
  };
}
