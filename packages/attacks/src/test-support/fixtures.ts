import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '@liftguard/tensor';
import { LinearClassifier } from './linear-classifier.js';

/** A random linear classifier with weights ~ N(0, 1). */
export function randomLinear(random: Random, inputs: number, classes: number): LinearClassifier {
  const weights = Array.from({ length: inputs }, () =>
    Array.from({ length: classes }, () => random.normal()),
  );
  const bias = Array.from({ length: classes }, () => 0.1 * random.normal());
  return new LinearClassifier(weights, bias);
}

/** Uniform inputs in [low, high) as a tensor and as JS rows. */
export function uniformInputs(
  random: Random,
  count: number,
  inputs: number,
  low = 0,
  high = 1,
): { x: tf.Tensor2D; rows: number[][] } {
  const rows = Array.from({ length: count }, () =>
    Array.from({ length: inputs }, () => low + (high - low) * random.next()),
  );
  return { x: tf.tensor2d(rows), rows };
}

export function argmax(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
}

/**
 * The easy model for targeted attacks: class c lights up block c of the input. An input of
 * class c is 0.9 on its block and 0.1 elsewhere, so moving blocks reaches any target.
 */
export function blockModel(
  classes: number,
  blockSize: number,
): { model: LinearClassifier; x: tf.Tensor2D; labels: number[] } {
  const d = classes * blockSize;
  const weights = Array.from({ length: d }, (_, i) =>
    Array.from({ length: classes }, (_, c) => (Math.floor(i / blockSize) === c ? 1 : 0)),
  );
  const model = new LinearClassifier(weights, new Array<number>(classes).fill(0));
  const labels = Array.from({ length: 2 * classes }, (_, i) => i % classes);
  const rows = labels.map((c) =>
    Array.from({ length: d }, (_, i) => (Math.floor(i / blockSize) === c ? 0.9 : 0.1)),
  );
  return { model, x: tf.tensor2d(rows), labels };
}
