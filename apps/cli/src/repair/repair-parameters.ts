import type * as tf from '@tensorflow/tfjs-core';
import { selectRepairParameters, type RepairLayerSelection } from '@liftguard/models';
import type { Classifier } from '@liftguard/tensor';
import type { OptionSpec } from '../command.js';
import { UsageError } from '../errors.js';

export const repairParameterOption: Record<string, OptionSpec> = {
  parameters: {
    type: 'string',
    placeholder: 'WHICH',
    description:
      'what the repair may change: all | last:K (the last K variables) | last-dense[:K] (the last K dense layers) | layers:NAME,NAME (a group) | variables:NAME,NAME (kernels by name); default all for LiftGuard models, last-dense for tfjs models',
  },
};

/** The variables a repair moves, and a line saying how many of the model's parameters they are. */
export interface ChosenParameters {
  variables: tf.Variable[];
  description: string;
  parameterCount: number;
  totalParameterCount: number;
}

const count = (variables: readonly tf.Variable[]) => variables.reduce((sum, v) => sum + v.size, 0);
const names = (list: string) => list.split(',').map((s) => s.trim()).filter(Boolean);

/** The flag as a layer selection of @liftguard/models, or a count of trailing variables. */
function parseSelection(flag: string): RepairLayerSelection | { lastVariables: number } | 'all' {
  if (flag === 'all') return 'all';
  const last = /^last:(\d+)$/.exec(flag);
  if (last) return { lastVariables: Number(last[1]) };
  const dense = /^last-dense(?::(\d+))?$/.exec(flag);
  if (dense) return dense[1] === undefined ? 'last-dense' : { lastDenseLayers: Number(dense[1]) };
  const group = /^(layers|variables):(.+)$/.exec(flag);
  if (group && names(group[2]!).length > 0) return group[1] === 'layers' ? { layers: names(group[2]!) } : { variables: names(group[2]!) };
  throw new UsageError(`--parameters must be all, last:K, last-dense[:K], layers:NAME,… or variables:NAME,…; got '${flag}'`);
}

/** Checks the flag's form before any work starts. */
export function checkParametersFlag(flag: string | undefined): void {
  if (flag !== undefined) parseSelection(flag);
}

/** Resolves `--parameters` on a loaded model (default: all for LiftGuard's own models, the last dense layer otherwise). */
export function chooseRepairParameters(classifier: Classifier, flag: string | undefined, ownModel: boolean): ChosenParameters {
  const selection = parseSelection(flag ?? (ownModel ? 'all' : 'last-dense'));
  const all = [...classifier.trainableVariables];
  const totalParameterCount = count(all);
  const chosen = (variables: tf.Variable[], what: string): ChosenParameters => ({
    variables,
    parameterCount: count(variables),
    totalParameterCount,
    description: `${count(variables).toLocaleString('en-US')} of ${totalParameterCount.toLocaleString('en-US')} parameters (${what})`,
  });
  if (all.length === 0) throw new UsageError('this model has no trainable variables: nothing a repair could change (a GraphModel\'s weights are constants; convert it as a LayersModel)');
  if (selection === 'all') return chosen(all, 'all variables');
  if (typeof selection === 'object' && 'lastVariables' in selection) {
    const k = selection.lastVariables;
    if (k < 1 || k > all.length) throw new UsageError(`--parameters last:${k}: the model has ${all.length} variables`);
    return chosen(all.slice(all.length - k), `the last ${k} variable(s)`);
  }
  try {
    const picked = selectRepairParameters(classifier, selection);
    return chosen(picked.variables, `layers ${picked.layers.join(', ')}`);
  } catch (error) {
    throw new UsageError(`--parameters: ${(error as Error).message}`);
  }
}
