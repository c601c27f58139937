import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/**
 * Which parameters the repair may move: all trainable variables, the last k of them in the
 * classifier's documented order (a dense layer is kernel + bias, so its last layer is
 * `{ lastVariables: 2 }`), variables by name, or an explicit list.
 */
export type ParameterSelection =
  'all' | { lastVariables: number } | { names: readonly string[] } | readonly tf.Variable[];

export function selectParameters(
  classifier: Classifier,
  selection: ParameterSelection = 'all',
): tf.Variable[] {
  const all = [...classifier.trainableVariables];
  if (selection === 'all') return all;
  if (Array.isArray(selection)) return [...(selection as readonly tf.Variable[])];
  if ('lastVariables' in selection) {
    const k = selection.lastVariables;
    if (!Number.isInteger(k) || k < 1 || k > all.length)
      throw new Error(`lastVariables must be in 1..${all.length}, got ${k}`);
    return all.slice(all.length - k);
  }
  const { names } = selection as { names: readonly string[] };
  return names.map((name) => {
    const variable = all.find((v) => v.name === name);
    if (variable === undefined)
      throw new Error(
        `no trainable variable named '${name}'; have ${all.map((v) => v.name).join(', ')}`,
      );
    return variable;
  });
}

/** Total number of scalars in `variables`. */
export function parameterCount(variables: readonly tf.Variable[]): number {
  return variables.reduce((sum, v) => sum + v.size, 0);
}

/** The variables' values concatenated (flattened, in order) into one float32 vector. */
export function readParameters(variables: readonly tf.Variable[]): Float32Array {
  const out = new Float32Array(parameterCount(variables));
  let offset = 0;
  for (const variable of variables) {
    out.set(variable.dataSync() as Float32Array, offset);
    offset += variable.size;
  }
  return out;
}

/** Assigns a flat vector (as laid out by `readParameters`) back to the variables. */
export function writeParameters(variables: readonly tf.Variable[], values: Float32Array): void {
  if (values.length !== parameterCount(variables))
    throw new Error(`expected ${parameterCount(variables)} values, got ${values.length}`);
  let offset = 0;
  for (const variable of variables) {
    const value = tf.tensor(
      values.subarray(offset, offset + variable.size),
      variable.shape,
      'float32',
    );
    variable.assign(value);
    value.dispose();
    offset += variable.size;
  }
}
