import type { Attack } from './attack.js';
import { normStrategy } from './norms/registry.js';
import { projectedGradientAscent } from './pgd-loop.js';
import { resolvePgdConfig, type PgdOptions, type ResolvedPgdConfig } from './pgd-config.js';
import type { NormName } from './norms/norm-strategy.js';
import type { AttackLossName } from './attack-loss.js';

/** Projected gradient descent (Madry et al.) in the given norm; defaults in `PgdOptions`. */
export function pgd(options: PgdOptions): Attack & { readonly config: ResolvedPgdConfig } {
  return pgdAttack(resolvePgdConfig(options, 'pgd'));
}

/** FGSM (L∞) / fast gradient method (other norms): one PGD step of size ε, no random start. */
export function fgsm(
  options: { norm?: NormName; loss?: AttackLossName } = {},
): Attack & { readonly config: ResolvedPgdConfig } {
  return pgdAttack(
    resolvePgdConfig(
      {
        norm: options.norm ?? 'linf',
        steps: 1,
        stepSize: { relativeToEpsilon: 1 },
        randomStart: false,
        restarts: 1,
        loss: options.loss,
      },
      'fgsm',
    ),
  );
}

function pgdAttack(config: ResolvedPgdConfig): Attack & { readonly config: ResolvedPgdConfig } {
  const norm = normStrategy(config.norm);
  return {
    name: config.attack,
    norm: config.norm,
    config,
    perturb: (problem) => projectedGradientAscent(problem, config, norm),
  };
}
