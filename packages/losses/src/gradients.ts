import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/**
 * ∇ of a scalar objective for every trainable variable of `model`, keyed by variable name
 * (zeros for variables the objective does not touch), plus the objective's value.
 */
export function gradientsOf(model: Classifier, objective: () => tf.Scalar): { value: number; grads: Record<string, tf.Tensor> } {
  const variables = [...model.trainableVariables];
  const { value, grads } = tf.variableGrads(objective, variables);
  const complete: Record<string, tf.Tensor> = {};
  for (const v of variables) complete[v.name] = grads[v.name] ?? tf.zerosLike(v);
  const number = value.dataSync()[0]!;
  value.dispose();
  return { value: number, grads: complete };
}

/** The global L2 norm of a set of gradients. */
export function globalNorm(grads: Record<string, tf.Tensor>): number {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
}

/**
 * Scales the gradients down (in place of the map, disposing the originals) when their global
 * norm exceeds `maxNorm`; returns the norm before clipping.
 */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): number {
  const norm = globalNorm(grads);
  if (norm > maxNorm) {
    for (const [name, g] of Object.entries(grads)) {
      grads[name] = tf.mul(g, maxNorm / norm);
      g.dispose();
    }
  }
  return norm;
}
