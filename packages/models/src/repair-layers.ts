import type * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { LayersModelClassifier } from './layers-model-classifier.js';
import { SequentialClassifier } from './sequential-classifier.js';

/** One layer a repair can change: its trainable variables and how many scalars they hold. */
export interface RepairableLayer {
  name: string;
  /** tfjs-layers class ('Dense', 'Conv2D', …) or LiftGuard spec type ('dense', 'conv2d'). */
  className: string;
  isDense: boolean;
  variables: tf.Variable[];
  /** The variables' names as the model calls them ('layers.7.kernel', 'dense_3/kernel'). */
  variableNames: string[];
  parameterCount: number;
}

/**
 * Which layers a repair changes: the last dense layer(s) (default: the logits layer), layers by
 * name (a group is a list of names), or trainable variables ("kernels") by name.
 */
export type RepairLayerSelection =
  | 'last-dense'
  | { lastDenseLayers: number }
  | { layers: readonly string[] }
  | { variables: readonly string[] };

/** What a selection resolves to, with the parameter count to show before the run. */
export interface RepairParameters {
  layers: string[];
  /** Pass as the cutting-plane `parameters` option (a variable list is a ParameterSelection). */
  variables: tf.Variable[];
  parameterCount: number;
  /** Of the whole classifier, for "n of N parameters". */
  totalParameterCount: number;
}

const countOf = (variables: readonly tf.Variable[]) => variables.reduce((sum, v) => sum + v.size, 0);

/** The layers of a classifier that hold trainable variables, input to output. */
export function repairableLayers(classifier: Classifier): RepairableLayer[] {
  if (classifier instanceof SequentialClassifier) {
    const byName = new Map(classifier.parameters.map((p, i) => [p.name, classifier.trainableVariables[i]!]));
    return classifier.spec.layers.flatMap((layer, index) => {
      const variableNames = [`layers.${index}.kernel`, `layers.${index}.bias`].filter((n) => byName.has(n));
      const variables = variableNames.map((n) => byName.get(n)!);
      return variables.length === 0 ? [] : [{ name: `layers.${index}`, className: layer.type, isDense: layer.type === 'dense', variables, variableNames, parameterCount: countOf(variables) }];
    });
  }
  const model = (classifier as Partial<LayersModelClassifier>).model;
  if (model !== undefined) {
    return model.layers.flatMap((layer) => {
      const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const variableNames = layer.trainableWeights.map((w) => w.name);
      return variables.length === 0 ? [] : [{ name: layer.name, className: layer.getClassName(), isDense: layer.getClassName() === 'Dense', variables, variableNames, parameterCount: countOf(variables) }];
    });
  }
  // Any other classifier: its variables, one per "layer", named as they are.
  return classifier.trainableVariables.map((v) => ({ name: v.name, className: 'variable', isDense: false, variables: [v], variableNames: [v.name], parameterCount: v.size }));
}

/** Resolves a layer selection; unknown names and impossible counts are errors listing what exists. */
export function selectRepairParameters(classifier: Classifier, selection: RepairLayerSelection = 'last-dense'): RepairParameters {
  const layers = repairableLayers(classifier);
  const totalParameterCount = countOf(classifier.trainableVariables);
  const result = (chosen: RepairableLayer[]): RepairParameters => ({
    layers: chosen.map((l) => l.name),
    variables: chosen.flatMap((l) => l.variables),
    parameterCount: chosen.reduce((sum, l) => sum + l.parameterCount, 0),
    totalParameterCount,
  });
  if (layers.length === 0) throw new Error('the classifier has no trainable variables: nothing a repair could change');
  if (selection === 'last-dense' || 'lastDenseLayers' in selection) {
    const k = selection === 'last-dense' ? 1 : selection.lastDenseLayers;
    const dense = layers.filter((l) => l.isDense);
    if (!Number.isInteger(k) || k < 1) throw new Error(`lastDenseLayers must be a positive integer, got ${k}`);
    if (dense.length === 0) throw new Error(`the classifier has no dense layer; name the layers to repair: ${layers.map((l) => `${l.name} (${l.className})`).join(', ')}`);
    if (k > dense.length) throw new Error(`lastDenseLayers is ${k} but the classifier has ${dense.length} dense layer(s): ${dense.map((l) => l.name).join(', ')}`);
    return result(dense.slice(dense.length - k));
  }
  if ('layers' in selection) {
    const chosen = selection.layers.map((name) => {
      const layer = layers.find((l) => l.name === name);
      if (layer === undefined) throw new Error(`no trainable layer named '${name}'; trainable layers: ${layers.map((l) => l.name).join(', ')}`);
      return layer;
    });
    return result(chosen);
  }
  const named = layers.flatMap((l) => l.variables.map((variable, i) => ({ name: l.variableNames[i]!, variable })));
  const variables = selection.variables.map((name) => {
    const found = named.find((v) => v.name === name);
    if (found === undefined) throw new Error(`no trainable variable named '${name}'; variables: ${named.map((v) => v.name).join(', ')}`);
    return found.variable;
  });
  const owners = layers.filter((l) => l.variables.some((v) => variables.includes(v))).map((l) => l.name);
  return { layers: owners, variables, parameterCount: countOf(variables), totalParameterCount };
}
