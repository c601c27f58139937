import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { clipToBounds } from '../bounds.js';
import { normalize, selectRows } from '../apgd/apgd-geometry.js';
import { drainSteps } from '../drain-steps.js';
import { projectOntoHyperplane, type FabNorm } from './hyperplane-projection.js';

/** One targeted FAB run on a batch of flat rows; tensors belong to the caller. */
export interface FabRunInput {
  model: Classifier;
  /** Clean inputs [n, ...inputShape]. */
  x: tf.Tensor;
  labels: tf.Tensor1D;
  targets: tf.Tensor1D;
  norm: FabNorm;
  bounds: Bounds;
  steps: number;
  alphaMax: number;
  eta: number;
  beta: number;
  /** Start at a random point at distance ε/2 (restarts after the first), else at x. */
  randomStart: { epsilon: number; random: Random } | null;
}

export interface FabRunResult {
  /** Per example the closest misclassified point found, or x [n, ...] (caller owns). */
  adversarial: tf.Tensor;
  /** Its distance to x, Infinity where none was found. */
  distances: Float32Array;
}

function rowNorms(delta: tf.Tensor2D, norm: FabNorm): tf.Tensor1D {
  return (
    norm === 'linf' ? tf.max(tf.abs(delta), 1) : tf.sqrt(tf.sum(tf.square(delta), 1))
  ) as tf.Tensor1D;
}

/**
 * Targeted FAB (Croce & Hein, ICML 2020): linearize the boundary between the label and the
 * target, project both the current point and the clean point onto it (inside the bounds), step
 * to a convex combination of the two overshot projections, and after each success step back
 * towards the clean point. Keeps the closest misclassified point per example.
 */
export function fabRun(input: FabRunInput): FabRunResult {
  return drainSteps(fabSteps(input));
}

/** `fabRun` pausing after every step; stopped early, it disposes every tensor it holds. */
export function* fabSteps(input: FabRunInput): Generator<void, FabRunResult, void> {
  const { model, x, norm, bounds } = input;
  const n = x.shape[0]!;
  const d = x.size / Math.max(n, 1);
  const clean = tf.reshape(x, [n, d]) as tf.Tensor2D;
  const labels = Int32Array.from(input.labels.dataSync());
  const ones = tf.ones([n]);
  // onehot(target) − onehot(label): picks z_target − z_label out of the logits.
  const direction = tf.tidy(() =>
    tf.sub(tf.oneHot(input.targets, model.numClasses), tf.oneHot(input.labels, model.numClasses)),
  );
  const logitGap = tf.valueAndGrad((z: tf.Tensor) =>
    tf.sum(tf.mul(model.predict(tf.reshape(z, x.shape)), direction), 1),
  );

  let current = tf.tidy(() => {
    if (input.randomStart === null) return tf.clone(clean);
    const { epsilon, random } = input.randomStart;
    const t = norm === 'linf' ? random.uniformTensor([n, d], -1, 1) : random.normalTensor([n, d]);
    return clipToBounds(
      tf.add(clean, tf.mul(normalize(t, norm), 0.5 * epsilon)),
      bounds,
    ) as tf.Tensor2D;
  }) as tf.Tensor2D;
  let adversarial = tf.clone(clean);
  const distances = new Float32Array(n).fill(Infinity);

  let finished = false;
  try {
    for (let step = 0; step < input.steps; step++) {
      if (step > 0) yield;
      const next = tf.tidy(() => {
        const { value: gap, grad } = logitGap(current, ones);
        const w = tf.reshape(grad, [n, d]) as tf.Tensor2D;
        // The linearized boundary {z : ⟨w, z⟩ = b} where the target's logit meets the label's.
        const b = tf.sub(tf.sum(tf.mul(w, current), 1), gap) as tf.Tensor1D;
        // Each projected on its own: no concatenated copies, no slices of them.
        const fromCurrentStep = projectOntoHyperplane(current, w, b, norm, bounds);
        const fromCleanStep = projectOntoHyperplane(clean, w, b, norm, bounds);
        const fromCurrent = tf.maximum(rowNorms(fromCurrentStep, norm), 1e-8);
        const fromClean = tf.maximum(rowNorms(fromCleanStep, norm), 1e-8);
        const alpha = tf.reshape(
          tf.clipByValue(tf.div(fromCurrent, tf.add(fromCurrent, fromClean)), 0, input.alphaMax),
          [n, 1],
        );
        const viaCurrent = tf.add(current, tf.mul(fromCurrentStep, input.eta));
        const viaClean = tf.add(clean, tf.mul(fromCleanStep, input.eta));
        return clipToBounds(
          tf.add(tf.mul(viaCurrent, tf.sub(1, alpha)), tf.mul(viaClean, alpha)),
          bounds,
        ) as tf.Tensor2D;
      });
      current.dispose();
      current = next;
      // Read outside tidy: tidy walks what its callback returns, element by element for typed arrays.
      const [predictedTensor, lengthsTensor] = tf.tidy(() => [
        tf.argMax(model.predict(tf.reshape(current, x.shape)), 1),
        rowNorms(tf.sub(current, clean), norm),
      ]);
      const predicted = predictedTensor!.dataSync();
      const lengths = lengthsTensor!.dataSync();
      tf.dispose([predictedTensor!, lengthsTensor!]);
      const misclassified = new Uint8Array(n);
      const closer = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (predicted![i] === labels[i]) continue;
        misclassified[i] = 1;
        if (lengths![i]! < distances[i]!) {
          closer[i] = 1;
          distances[i] = lengths![i]!;
        }
      }
      if (!misclassified.some(Boolean)) continue;
      const [nextAdversarial, backed] = tf.tidy(() => {
        const stepBack = tf.add(clean, tf.mul(tf.sub(current, clean), input.beta));
        return [
          selectRows(closer, current, adversarial),
          selectRows(misclassified, stepBack, current),
        ];
      });
      tf.dispose([adversarial, current]);
      adversarial = nextAdversarial as tf.Tensor2D;
      current = backed as tf.Tensor2D;
    }
    finished = true;
  } finally {
    tf.dispose([ones, direction, current, clean]);
    // Stopped between steps: nothing is handed back, so nothing is kept.
    if (!finished) adversarial.dispose();
  }
  const out = tf.reshape(adversarial, x.shape);
  adversarial.dispose();
  return { adversarial: out, distances };
}
