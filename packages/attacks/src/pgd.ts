import type { Attack } from './attack.js';
import { normStrategy } from './norms/registry.js';
import { projectedGradientAscent, projectedGradientSteps } from './pgd-loop.js';
import {
  checkAttackOptions,
  fgsmOptions,
  resolvePgdConfig,
  type PgdOptions,
  type ResolvedPgdConfig,
} from './pgd-config.js';
import type { NormName, NormStrategy } from './norms/norm-strategy.js';
import type { AttackLossName } from './objectives/registry.js';

/** A PGD-family attack: carries its norm object and echoes its resolved settings. */
export type PgdAttack = Attack & { readonly norm: NormStrategy; readonly config: ResolvedPgdConfig };

/** Projected gradient descent (Madry et al.) in the given norm; defaults in `PgdOptions`. */
export function pgd(options: PgdOptions): PgdAttack {
  return pgdAttack(resolvePgdConfig(options, 'pgd'));
}

/** What `fgsm` accepts: a norm (default 'linf') and an objective (default 'cross-entropy'). */
export interface FgsmOptions {
  norm?: NormName;
  loss?: AttackLossName;
}

/** FGSM (L∞) / fast gradient method (other norms): one PGD step of size ε, no random start. */
export function fgsm(options: FgsmOptions = {}): PgdAttack {
  checkAttackOptions('fgsm', fgsmOptions, options);
  const { norm = 'linf', loss } = options;
  return pgdAttack(
    resolvePgdConfig(
      {
        norm,
        steps: 1,
        stepSize: { relativeToEpsilon: 1 },
        randomStart: false,
        restarts: 1,
        loss,
      },
      'fgsm',
    ),
  );
}

function pgdAttack(config: ResolvedPgdConfig): PgdAttack {
  const norm = normStrategy(config.norm);
  return {
    name: config.attack,
    norm,
    config,
    perturb: (problem) => projectedGradientAscent(problem, config, norm),
    perturbInSteps: (problem) => projectedGradientSteps(problem, config, norm),
  };
}
