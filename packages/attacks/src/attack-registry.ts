import { Registry, type Registrable } from '@liftguard/tensor';
import type { Attack } from './attack.js';
import { AttackConfigError } from './errors.js';
import { evaluationAttacks } from './evaluation-attacks.js';
import { fgsm, pgd, type FgsmOptions } from './pgd.js';
import { fgsmOptions, pgdOptions, type PgdOptions } from './pgd-config.js';

/** Builds an attack from plain options (as read from a config file or the command line). */
export type AttackFactory = (options: Record<string, unknown>) => Attack;

/** A registered attack: name, label, description, the options it accepts and its factory. */
export interface AttackDefinition extends Registrable {
  create: AttackFactory;
}

/** Every attack by name; options are checked against the definition's schema before `create`. */
export const attacks = new Registry<AttackDefinition>({
  kind: 'attack',
  knownLabel: 'registered attacks',
  error: (message) => new AttackConfigError(message),
  initial: [
    {
      name: 'fgsm',
      label: 'FGSM',
      description: 'fast gradient (sign) method: one step of size ε, no random start',
      options: fgsmOptions,
      create: (options) => fgsm(options as FgsmOptions),
    },
    {
      name: 'pgd',
      label: 'PGD',
      description: 'projected gradient descent (Madry et al.) with random start and restarts',
      options: pgdOptions,
      create: (options) => pgd(options as unknown as PgdOptions),
    },
    ...evaluationAttacks,
  ],
});

/**
 * Adds an attack: a definition (with its option schema), or a name and a bare factory that
 * validates its own options. Registering a name twice is an error, not a silent replace.
 */
export function registerAttack(definition: AttackDefinition): void;
export function registerAttack(name: string, factory: AttackFactory): void;
export function registerAttack(nameOrDefinition: string | AttackDefinition, factory?: AttackFactory): void {
  attacks.register(
    typeof nameOrDefinition === 'string'
      ? { name: nameOrDefinition, description: '', create: factory! }
      : nameOrDefinition,
  );
}

/** The attack registered under `name`, built with `options` once they pass its schema. */
export function createAttack(name: string, options: Record<string, unknown> = {}): Attack {
  attacks.validate(name, options);
  return attacks.get(name).create(options);
}

/** Names of the registered attacks. */
export function attackNames(): string[] {
  return attacks.names();
}
