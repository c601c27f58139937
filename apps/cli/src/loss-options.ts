import { createLoss, defaultLossRegistry, listLosses, type Loss } from '@liftguard/losses';
import { numberListOption, numberOption } from './args.js';
import type { OptionSpec, OptionValues } from './command.js';
import { UsageError } from './errors.js';
import { keyValueOptions } from './registry-options.js';

export const lossOptions: Record<string, OptionSpec> = {
  // A getter: losses registered by plugins (--import) load after this module.
  loss: { type: 'string', placeholder: 'NAME', get description() { return listLosses().map((l) => l.name).join(' | '); }, default: 'bp-cross-entropy' },
  beta: { type: 'string', placeholder: 'X', description: 'β of the lifted and simple-adversarial losses (default 0.5)' },
  gamma: { type: 'string', placeholder: 'LIST', description: 'γ per layer (one number or a comma list)' },
  alpha: { type: 'string', placeholder: 'X', description: 'α of the targeted AROVR losses (default 1)' },
  mix: { type: 'string', placeholder: 'X', description: 'λ of AROVR + λ·targeted (default 1)' },
  rounds: { type: 'string', placeholder: 'N', description: 'activity-solver rounds T (default 5)' },
  damping: { type: 'string', placeholder: 'NAME', description: 'majorize | authors | none (default majorize)' },
  target: { type: 'string', placeholder: 'RULE', description: 'highest-wrong | random-wrong | all-wrong | temperature (targeted losses)' },
  temperature: { type: 'string', placeholder: 'X', description: 'τ of --target=temperature (default 0.1)' },
  'loss-option': { type: 'string', placeholder: 'KEY=VALUE', multiple: true, description: "an option of the loss by its own name (e.g. a plugin loss's), repeatable" },
  'max-grad-norm': { type: 'string', placeholder: 'X', description: 'clip the global gradient norm' },
};

/** The loss the flags describe; flags the loss does not take are refused by the loss itself. */
export function resolveLoss(values: OptionValues, seed: number): Loss {
  const name = String(values.loss ?? 'bp-cross-entropy');
  const known = listLosses().map((l) => l.name);
  if (!known.includes(name)) throw new UsageError(`--loss must be one of ${known.join(', ')}; got '${name}'`);
  const options: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) options[key] = value;
  };
  set('beta', numberOption(values, 'beta', { min: 0 }));
  const gamma = numberListOption(values, 'gamma', 0);
  set('gamma', gamma === undefined ? undefined : gamma.length === 1 ? gamma[0] : gamma);
  set('alpha', numberOption(values, 'alpha', { min: 0 }));
  set('mix', numberOption(values, 'mix', { min: 0 }));
  set('rounds', numberOption(values, 'rounds', { min: 1, integer: true }));
  set('damping', values.damping);
  set('target', values.target);
  set('temperature', numberOption(values, 'temperature', { min: 0 }));
  set('maxGradientNorm', numberOption(values, 'max-grad-norm', { min: 0 }));
  if (name.includes('alpha')) options.seed = seed;
  Object.assign(options, keyValueOptions(values, 'loss-option', defaultLossRegistry().get(name).options, name));
  try {
    return createLoss(name, options);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
