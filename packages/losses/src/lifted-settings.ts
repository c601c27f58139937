import { resolveOutputLoss, type Damping, type OutputLoss, type Schedule } from '@liftguard/solver';
import { layerWeights, nonNegative, oneOf, positive, positiveInteger, rejectUnknownOptions, type GammaOption } from './hyperparameters.js';
import type { PotentialFamily } from './lifted-network-of.js';
import { liftedOptionSchemas, optionNames } from './option-schemas.js';

/** Options shared by every lifted-network loss. */
export interface LiftedLossOptions {
  /** β > 0: how strongly the loss term is weighed against the potential (default 0.5). */
  beta?: number;
  /** Per-layer weights γ of U^γ: one number, one per layer, or { hidden, output } (default 1). */
  gamma?: GammaOption;
  /** Solver rounds T (default 5; the solve is truncated on purpose, LIFTED.md §2). */
  rounds?: number;
  /** Hidden-update damping of the solver (default 'majorize'; the authors' T = 5 runs used none). */
  damping?: 'majorize' | 'authors' | 'none';
  /** Stop a solve early once max |Δz| ≤ tolerance (default: run all rounds). */
  tolerance?: number;
  /**
   * What a solve records per round (default 'changes': max |Δz|); 'objective' also evaluates Ψ
   * and its terms, for the `solverMonotone` diagnostic — about a quarter of an AROVR step.
   */
  solverTrace?: 'changes' | 'objective';
  /** Layer order per round (default 'top-down'). */
  schedule?: Exclude<Schedule, (round: number, layers: number) => readonly number[]>;
  /** Target loss ℓ (default 'squared', as in the authors' MLP code). */
  output?: 'squared' | 'cross-entropy';
  /** Potential family when the model is read as a lifted network (default 'fenchel-young'). */
  potential?: PotentialFamily;
  /** Clip the global gradient norm to this (default: no clipping). */
  maxGradientNorm?: number;
}

export interface LiftedSettings {
  beta: number;
  gamma: GammaOption;
  rounds: number;
  damping: Damping;
  tolerance: number | null;
  solverTrace: 'changes' | 'objective';
  schedule: 'top-down' | 'bottom-up' | 'alternating';
  output: 'squared' | 'cross-entropy';
  outputLoss: OutputLoss;
  potential: PotentialFamily;
  maxGradientNorm: number | null;
}

export const liftedOptionNames = optionNames(liftedOptionSchemas);

/** Validates and resolves the shared options; `extra` names the loss's own option keys. */
export function resolveLiftedSettings(loss: string, options: LiftedLossOptions, extra: readonly string[] = [], defaults: { gamma?: GammaOption; beta?: number } = {}): LiftedSettings {
  rejectUnknownOptions(loss, options, [...liftedOptionNames, ...extra]);
  const output = oneOf(loss, 'output', options.output ?? 'squared', ['squared', 'cross-entropy'] as const);
  return {
    beta: positive(loss, 'beta', options.beta ?? defaults.beta ?? 0.5),
    gamma: layerWeights(loss, options.gamma ?? defaults.gamma ?? 1),
    rounds: positiveInteger(loss, 'rounds', options.rounds ?? 5),
    damping: oneOf(loss, 'damping', options.damping ?? 'majorize', ['majorize', 'authors', 'none'] as const),
    tolerance: options.tolerance === undefined ? null : nonNegative(loss, 'tolerance', options.tolerance),
    solverTrace: oneOf(loss, 'solverTrace', options.solverTrace ?? 'changes', ['changes', 'objective'] as const),
    schedule: oneOf(loss, 'schedule', options.schedule ?? 'top-down', ['top-down', 'bottom-up', 'alternating'] as const),
    output,
    outputLoss: resolveOutputLoss(output),
    potential: oneOf(loss, 'potential', options.potential ?? 'fenchel-young', ['fenchel-young', 'least-squares'] as const),
    maxGradientNorm: options.maxGradientNorm === undefined ? null : positive(loss, 'maxGradientNorm', options.maxGradientNorm),
  };
}

/** The settings as plain data for the config echo. */
export function describeSettings(settings: LiftedSettings): Record<string, unknown> {
  const { outputLoss: _outputLoss, ...rest } = settings;
  return rest;
}
