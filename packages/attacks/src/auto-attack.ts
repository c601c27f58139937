import type { Classifier } from '@liftguard/tensor';
import type { Attack } from './attack.js';
import { createAttack } from './attack-registry.js';
import { AttackConfigError } from './errors.js';
import type { AttackInputs, RunOptions } from './run-config.js';
import { runAttacks, type WorstCaseResult } from './run-attacks.js';

/**
 * Which AutoAttack: the reference 'standard' suite, 'rand' for randomized defenses (APGD-CE and
 * APGD-DLR with expectation over transformation), a short 'quick' one, or your own list.
 */
export type AutoAttackVersion = 'standard' | 'rand' | 'quick' | 'custom';

// The reference's version 'rand': gradients averaged over 20 passes, one restart.
const randEotSamples = 20;

export interface AutoAttackOptions extends Omit<RunOptions, 'goal'> {
  norm: 'linf' | 'l2' | 'l1';
  /** Default 'standard'. */
  version?: AutoAttackVersion;
  /** version 'custom': registered attack names with their options, run in this order. */
  attacks?: readonly { name: string; options?: Record<string, unknown> }[];
}

/** The attack lists of each version, in the order they run (each on the survivors of the ones before). */
export function autoAttackList(norm: 'linf' | 'l2' | 'l1', version: Exclude<AutoAttackVersion, 'custom'>): { name: string; options: Record<string, unknown> }[] {
  if (version === 'standard') {
    // Croce & Hein 2020, version 'standard': APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5,000 queries);
    // in L1 (their 2021 setting) APGD-CE restarts 5 times and APGD-T targets 5 classes, both with the decreasing ε schedule.
    const l1 = norm === 'l1';
    return [
      { name: 'apgd', options: { norm, loss: 'cross-entropy', steps: 100, restarts: l1 ? 5 : 1 } },
      { name: 'apgd-t', options: { norm, steps: 100, targetClasses: l1 ? 5 : 9 } },
      { name: 'fab-t', options: { norm, steps: 100, targetClasses: 9 } },
      { name: 'square', options: { norm, queries: 5000 } },
    ];
  }
  if (version === 'rand') {
    // Croce & Hein 2020, version 'rand': a randomized model needs EOT, and its FAB/Square steps compare noisy queries.
    return [
      { name: 'apgd', options: { norm, loss: 'cross-entropy', steps: 100, restarts: 1, eotSamples: randEotSamples } },
      { name: 'apgd', options: { norm, loss: 'dlr', steps: 100, restarts: 1, eotSamples: randEotSamples } },
    ];
  }
  // A few minutes on a laptop for smoke tests and tours: fewer steps, targets and queries, no FAB-T.
  return [
    { name: 'apgd', options: { norm, loss: 'cross-entropy', steps: 25 } },
    { name: 'apgd-t', options: { norm, steps: 25, targetClasses: 3 } },
    { name: 'square', options: { norm, queries: 300 } },
  ];
}

/** The attacks a version runs, built through the registry. */
export function autoAttackAttacks(options: Pick<AutoAttackOptions, 'norm' | 'version' | 'attacks'>): Attack[] {
  const version = options.version ?? 'standard';
  if (options.norm !== 'linf' && options.norm !== 'l2' && options.norm !== 'l1') throw new AttackConfigError(`autoAttack: norm must be linf, l2 or l1, got '${String(options.norm)}'`);
  if (version === 'custom') {
    if (!options.attacks?.length) throw new AttackConfigError("autoAttack: version 'custom' needs a non-empty attacks list");
    return options.attacks.map((a) => createAttack(a.name, { norm: options.norm, ...a.options }));
  }
  if (version !== 'standard' && version !== 'rand' && version !== 'quick') throw new AttackConfigError(`autoAttack: version must be standard, rand, quick or custom, got '${String(version)}'`);
  if (options.attacks !== undefined) throw new AttackConfigError("autoAttack: attacks are given only with version 'custom'");
  return autoAttackList(options.norm, version).map((a) => createAttack(a.name, a.options));
}

/**
 * AutoAttack (Croce & Hein, ICML 2020): the suite's attacks run in order, each on the examples
 * the ones before did not break; the result's stages give the per-attack breakdown.
 */
export function autoAttack(model: Classifier, inputs: AttackInputs, options: AutoAttackOptions): Promise<WorstCaseResult> {
  const { norm, version, attacks, ...run } = options;
  return runAttacks(model, inputs, autoAttackAttacks({ norm, ...(version ? { version } : {}), ...(attacks ? { attacks } : {}) }), run);
}
