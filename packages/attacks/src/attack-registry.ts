import type { Attack } from './attack.js';
import { AttackConfigError } from './errors.js';
import { fgsm, pgd } from './pgd.js';
import type { PgdOptions } from './pgd-config.js';

/** Builds an attack from plain options (as read from a config file or the command line). */
export type AttackFactory = (options: Record<string, unknown>) => Attack;

// Built-ins are part of the map's initial value, so importing this module has no side effects.
const factories = new Map<string, AttackFactory>([
  ['fgsm', (options) => fgsm(options as Parameters<typeof fgsm>[0])],
  ['pgd', (options) => pgd(options as unknown as PgdOptions)],
]);

/** Adds an attack under a new name; registering a name twice is an error, not a silent replace. */
export function registerAttack(name: string, factory: AttackFactory): void {
  if (factories.has(name))
    throw new AttackConfigError(`an attack named '${name}' is already registered`);
  factories.set(name, factory);
}

/** The attack registered under `name`, built with `options`. */
export function createAttack(name: string, options: Record<string, unknown> = {}): Attack {
  const factory = factories.get(name);
  if (!factory)
    throw new AttackConfigError(
      `unknown attack '${name}'; registered attacks: ${[...factories.keys()].join(', ')}`,
    );
  return factory(options);
}

/** Names of the registered attacks. */
export function attackNames(): string[] {
  return [...factories.keys()];
}
