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
  /** Condition 1's threshold: halve the step if the loss rose in ≤ ρ of the steps (default 0.75). */
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
  rho: number;
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

/** The L1 radius schedule: defaulted for L1, refused for the other norms (they have no such choice). */
function epsilonScheduleOf(attack: string, norm: ApgdNorm, value: unknown): { epsilonSchedule?: L1EpsilonSchedule } {
  if (norm !== 'l1') {
    if (value !== undefined) throw new AttackConfigError(`${attack}: epsilonSchedule applies to norm l1 only, not ${norm}`);
    return {};
  }
  return { epsilonSchedule: choiceOption<L1EpsilonSchedule>(attack, 'epsilonSchedule', value, 'decreasing', ['decreasing', 'fixed']) };
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
    rho: realOption(name, 'rho', options.rho, 0.75, 0, 1),
    eotSamples: integerOption(name, 'eotSamples', options.eotSamples, 1, 1, maxEotSamples),
    ...epsilonScheduleOf(name, norm, options.epsilonSchedule),
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
    rho: realOption(name, 'rho', options.rho, 0.75, 0, 1),
    eotSamples: integerOption(name, 'eotSamples', options.eotSamples, 1, 1, maxEotSamples),
    targetClasses: integerOption(name, 'targetClasses', options.targetClasses, 9, 1, 10_000),
    ...epsilonScheduleOf(name, norm, options.epsilonSchedule),
  };
}
