import { AttackConfigError } from '../errors.js';
import { l1Norm } from './l1.js';
import { l2Norm } from './l2.js';
import { linfNorm } from './linf.js';
import type { NormName, NormStrategy } from './norm-strategy.js';

const strategies = new Map<string, NormStrategy>(
  [linfNorm, l2Norm, l1Norm].map((s) => [s.name, s]),
);

/** The strategy object for a norm name; an unknown name is an error that lists the known ones. */
export function normStrategy(name: NormName): NormStrategy {
  const strategy = strategies.get(name);
  if (!strategy)
    throw new AttackConfigError(
      `unknown norm '${String(name)}'; known norms: ${[...strategies.keys()].join(', ')}`,
    );
  return strategy;
}

/** Names of the built-in norms. */
export const normNames: readonly NormName[] = ['linf', 'l2', 'l1'];
