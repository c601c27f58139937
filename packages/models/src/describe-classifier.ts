import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { repairableLayers } from './repair-layers.js';
import { SequentialClassifier } from './sequential-classifier.js';

/** What LiftGuard sees in a classifier (for `liftguard inspect` and reports). */
export interface ClassifierDescription {
  kind: 'liftguard-sequential' | 'tfjs-layers' | 'tfjs-graph' | 'function';
  inputShape: number[];
  /** The declared input box, or null when the classifier declares none. */
  inputRange: [number, number] | null;
  numClasses: number;
  /** Where the logits come from (layer or node, and what was looked through). */
  logits: unknown;
  parameterCount: number;
  repairableLayers: { name: string; className: string; parameterCount: number }[];
  /** One input-gradient probe on the active backend. */
  gradients: { backend: string; flows: boolean; error?: string };
}

/** Describes a classifier and checks, on one mid-range example, that input gradients flow and are finite. */
export function describeClassifier(classifier: Classifier): ClassifierDescription {
  const withModel = classifier as Classifier & { model?: { execute?: unknown; layers?: unknown }; logits?: unknown };
  const kind = classifier instanceof SequentialClassifier ? 'liftguard-sequential' : withModel.model?.layers !== undefined ? 'tfjs-layers' : withModel.model?.execute !== undefined ? 'tfjs-graph' : 'function';
  const [low, high] = classifier.inputRange ?? [0, 1];
  let gradients: ClassifierDescription['gradients'] = { backend: tf.getBackend(), flows: true };
  try {
    const finite = tf.tidy(() => {
      const x = tf.fill([1, ...classifier.inputShape], (low + high) / 2);
      const g = tf.grad((v: tf.Tensor) => tf.sum(classifier.predict(v)))(x);
      return tf.all(tf.isFinite(g)).dataSync()[0] === 1;
    });
    if (!finite) gradients = { ...gradients, flows: false, error: 'the input gradient has NaN or Inf entries' };
  } catch (error) {
    gradients = { ...gradients, flows: false, error: error instanceof Error ? error.message : String(error) };
  }
  return {
    kind,
    inputShape: [...classifier.inputShape],
    inputRange: classifier.inputRange ? [classifier.inputRange[0], classifier.inputRange[1]] : null,
    numClasses: classifier.numClasses,
    logits: withModel.logits ?? (kind === 'liftguard-sequential' ? { layer: `layers.${(classifier as SequentialClassifier).spec.layers.length - 1}` } : null),
    parameterCount: classifier.trainableVariables.reduce((s, v) => s + v.size, 0),
    repairableLayers: classifier.trainableVariables.length === 0 ? [] : repairableLayers(classifier).map(({ name, className, parameterCount }) => ({ name, className, parameterCount })),
    gradients,
  };
}
