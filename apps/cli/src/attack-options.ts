import { attackObjectives, attacks, autoAttackAttacks, createAttack, norms, normStrategy, type Attack, type AttackGoal, type NormName } from '@liftguard/attacks';
import { choiceOption, numberOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { UsageError } from './errors.js';
import { keyValueOptions, registryChoices } from './registry-options.js';

// Descriptions are getters: the registries may grow when plugins load, after this module.
export const attackOptions: Record<string, OptionSpec> = {
  suite: { type: 'string', placeholder: 'VERSION', description: "AutoAttack instead of --attacks: standard (APGD-CE, APGD-T, FAB-T, Square; Croce & Hein 2020), rand (APGD-CE and APGD-DLR with 20-sample EOT, for randomized models) or quick (fewer steps, targets and queries; no FAB-T); linf, l2 or l1 (L1: APGD-CE with 5 restarts, APGD-T on 5 targets, both with AutoAttack's decreasing ε)" },
  attacks: { type: 'string', placeholder: 'LIST', get description() { return `attacks to run, worst case over all (default: fgsm,pgd for attack; eval runs the standard AutoAttack suite): ${registryChoices(attacks.entries())}`; } },
  norm: { type: 'string', placeholder: 'NAME', get description() { return registryChoices(norms.entries()); }, default: 'linf' },
  eps: { type: 'string', placeholder: 'LIST', get description() { return `ε values (default per norm: ${norms.entries().map((n) => `${n.name} ${n.defaultEpsilons.join(',')}`).join('; ')})`; } },
  steps: { type: 'string', placeholder: 'N', description: 'steps of iterative attacks (default: the attack\'s own, 40 for PGD)' },
  'step-size': { type: 'string', placeholder: 'X', description: 'absolute step size (default 2.5·ε/steps for PGD)' },
  'relative-step': { type: 'string', placeholder: 'X', description: 'step size as a multiple of ε' },
  restarts: { type: 'string', placeholder: 'N', description: 'restarts, keeping each example\'s worst case (default 1)' },
  'no-random-start': { type: 'boolean', description: 'start at the clean input' },
  objective: { type: 'string', placeholder: 'NAME', get description() { return `what gradient attacks ascend: ${registryChoices(attackObjectives.entries())} (default cross-entropy)`; } },
  'attack-loss': { type: 'string', placeholder: 'NAME', description: 'the same as --objective (older name)' },
  'attack-option': { type: 'string', placeholder: 'KEY=VALUE', multiple: true, description: "an option of the attack by its own name (e.g. a plugin's), repeatable; with several attacks it goes to those that take it" },
  goal: { type: 'string', placeholder: 'NAME', description: 'untargeted | random-wrong | least-likely', default: 'untargeted' },
  against: { type: 'string', placeholder: 'NAME', description: "untargeted against the true labels or the model's predicted ones: true | predicted (also accepted as --labels true|predicted)", default: 'true' },
};

/** The AutoAttack suite `--suite` names; the per-attack flags do not apply to it. */
function suiteAttacks(values: OptionValues, norm: NormName, version: string, byDefault: boolean): Attack[] {
  if (version !== 'standard' && version !== 'quick' && version !== 'rand') throw new UsageError(`--suite must be standard, rand or quick; got '${version}'`);
  if (norm !== 'linf' && norm !== 'l2' && norm !== 'l1') throw new UsageError(`--suite runs in linf, l2 or l1, not ${norm}`);
  const given = ['steps', 'step-size', 'relative-step', 'restarts', 'objective', 'attack-loss', 'attack-option'].filter((flag) => values[flag] !== undefined);
  const hint = byDefault ? ' (this command runs the AutoAttack suite unless --attacks names others, e.g. --attacks pgd)' : '';
  if (given.length > 0) throw new UsageError(`${given.map((f) => `--${f}`).join(', ')} does not apply to --suite (its attacks use the suite's settings)${hint}`);
  if (values.goal !== undefined && values.goal !== 'untargeted') throw new UsageError(`--suite is untargeted${hint}`);
  try {
    return autoAttackAttacks({ norm: norm as 'linf' | 'l2' | 'l1', version });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** The attack options the common flags give, by the options' own names. */
function flagOptions(values: OptionValues, norm: NormName): Record<string, unknown> {
  const steps = numberOption(values, 'steps', { min: 1, integer: true });
  const absolute = numberOption(values, 'step-size', { min: Number.MIN_VALUE });
  const relative = numberOption(values, 'relative-step', { min: Number.MIN_VALUE });
  if (absolute !== undefined && relative !== undefined) throw new UsageError('give --step-size or --relative-step, not both');
  const restarts = numberOption(values, 'restarts', { min: 1, integer: true });
  if (values.objective !== undefined && values['attack-loss'] !== undefined) throw new UsageError('give --objective or --attack-loss, not both');
  const objective = values.objective ?? values['attack-loss'];
  if (objective !== undefined) attackObjectives.get(String(objective));
  const options: Record<string, unknown> = { norm };
  if (objective !== undefined) options.loss = objective;
  if (steps !== undefined) options.steps = steps;
  if (absolute !== undefined) options.stepSize = { absolute };
  if (relative !== undefined) options.stepSize = { relativeToEpsilon: relative };
  if (restarts !== undefined) options.restarts = restarts;
  if (values['no-random-start']) options.randomStart = false;
  return options;
}

/** The flag each attack option comes from, for messages. */
const flagOf: Record<string, string> = { loss: '--objective', steps: '--steps', stepSize: '--step-size / --relative-step', restarts: '--restarts', randomStart: '--no-random-start' };

/**
 * The attacks the flags describe, built through the attacks registry: each attack gets the
 * flag options its schema accepts; a flag that no chosen attack takes is an error.
 */
export function resolveAttacks(values: OptionValues, defaults: { suite?: 'standard' } = {}): { attacks: Attack[]; norm: NormName; goal: AttackGoal; suite?: string } {
  const norm = String(values.norm ?? 'linf');
  try {
    normStrategy(norm);
  } catch (error) {
    throw new UsageError(`--norm: ${(error as Error).message}`);
  }
  const suite = values.suite !== undefined ? String(values.suite) : values.attacks === undefined ? defaults.suite : undefined;
  if (suite !== undefined) return { attacks: suiteAttacks(values, norm, suite, values.suite === undefined), norm, goal: { kind: 'untargeted', labels: 'true' }, suite };
  const names = String(values.attacks ?? 'fgsm,pgd').split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--attacks needs at least one attack');
  for (const name of names) if (!attacks.has(name)) throw new UsageError(`--attacks: unknown attack '${name}'; registered attacks: ${attacks.names().join(', ')}`);
  const given = flagOptions(values, norm);
  const used = new Set<string>(['norm']);
  const built = names.map((name) => {
    const schema = attacks.get(name).options;
    const accepts = (key: string) => schema === undefined || schema.some((o) => o.name === key);
    const options = Object.fromEntries(Object.entries(given).filter(([key]) => accepts(key)));
    Object.keys(options).forEach((key) => used.add(key));
    const extra = names.length === 1 ? keyValueOptions(values, 'attack-option', schema, name) : Object.fromEntries(Object.entries(keyValueOptions(values, 'attack-option', undefined, name)).filter(([key]) => accepts(key)));
    try {
      return createAttack(name, { ...options, ...extra });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const unused = Object.keys(given).filter((key) => !used.has(key));
  if (unused.length > 0) throw new UsageError(`${unused.map((k) => flagOf[k] ?? k).join(', ')} does not apply to ${names.join(', ')}`);
  const goalName = choiceOption(values, 'goal', ['untargeted', 'random-wrong', 'least-likely'] as const)!;
  const labels = goalLabels(values);
  const goal: AttackGoal = goalName === 'untargeted' ? { kind: 'untargeted', labels } : { kind: 'targeted', target: goalName };
  return { attacks: built, norm, goal };
}

/** `--against`, or the older `--labels true|predicted` (a labels file has an extension, so the two never collide). */
function goalLabels(values: OptionValues): 'true' | 'predicted' {
  const old = values.labels === 'true' || values.labels === 'predicted' ? values.labels : undefined;
  if (old !== undefined && values.against !== undefined && values.against !== 'true' && values.against !== old) throw new UsageError(`--labels ${old} and --against ${String(values.against)} disagree; give --against only`);
  return old ?? choiceOption(values, 'against', ['true', 'predicted'] as const)!;
}
