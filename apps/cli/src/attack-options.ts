import { createAttack, type Attack, type AttackGoal, type NormName } from '@liftguard/attacks';
import { choiceOption, numberOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { UsageError } from './errors.js';

export const attackOptions: Record<string, OptionSpec> = {
  attacks: { type: 'string', placeholder: 'LIST', description: 'attacks to run, worst case over all (fgsm, pgd)', default: 'fgsm,pgd' },
  norm: { type: 'string', placeholder: 'NAME', description: 'linf | l2 | l1', default: 'linf' },
  eps: { type: 'string', placeholder: 'LIST', description: 'ε values (default: 0.05,0.1,0.2,0.3 for linf; 0.5,1,2 for l2; 5,10,20 for l1)' },
  steps: { type: 'string', placeholder: 'N', description: 'PGD steps (default 40)' },
  'step-size': { type: 'string', placeholder: 'X', description: 'absolute PGD step size (default 2.5·ε/steps)' },
  'relative-step': { type: 'string', placeholder: 'X', description: 'PGD step size as a multiple of ε' },
  restarts: { type: 'string', placeholder: 'N', description: 'PGD restarts, keeping each example\'s worst case (default 1)' },
  'no-random-start': { type: 'boolean', description: 'start PGD at the clean input' },
  'attack-loss': { type: 'string', placeholder: 'NAME', description: 'cross-entropy | margin (default cross-entropy)' },
  goal: { type: 'string', placeholder: 'NAME', description: 'untargeted | random-wrong | least-likely', default: 'untargeted' },
  labels: { type: 'string', placeholder: 'NAME', description: 'untargeted against true | predicted labels', default: 'true' },
};

/** The attacks the flags describe, built through the attacks registry. */
export function resolveAttacks(values: OptionValues): { attacks: Attack[]; norm: NormName; goal: AttackGoal } {
  const norm = choiceOption(values, 'norm', ['linf', 'l2', 'l1'] as const)!;
  const names = String(values.attacks).split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--attacks needs at least one attack');
  const steps = numberOption(values, 'steps', { min: 1, integer: true });
  const absolute = numberOption(values, 'step-size', { min: Number.MIN_VALUE });
  const relative = numberOption(values, 'relative-step', { min: Number.MIN_VALUE });
  if (absolute !== undefined && relative !== undefined) throw new UsageError('give --step-size or --relative-step, not both');
  const restarts = numberOption(values, 'restarts', { min: 1, integer: true });
  const loss = choiceOption(values, 'attack-loss', ['cross-entropy', 'margin'] as const);
  const attacks = names.map((name) => {
    const options: Record<string, unknown> = { norm, ...(loss ? { loss } : {}) };
    if (name !== 'fgsm') {
      if (steps !== undefined) options.steps = steps;
      if (absolute !== undefined) options.stepSize = { absolute };
      if (relative !== undefined) options.stepSize = { relativeToEpsilon: relative };
      if (restarts !== undefined) options.restarts = restarts;
      if (values['no-random-start']) options.randomStart = false;
    }
    try {
      return createAttack(name, options);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const goalName = choiceOption(values, 'goal', ['untargeted', 'random-wrong', 'least-likely'] as const)!;
  const labels = choiceOption(values, 'labels', ['true', 'predicted'] as const)!;
  const goal: AttackGoal = goalName === 'untargeted' ? { kind: 'untargeted', labels } : { kind: 'targeted', target: goalName };
  return { attacks, norm, goal };
}
