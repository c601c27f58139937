import * as tf from '@tensorflow/tfjs-core';
import { nativeLoops, type Classifier, type Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { clipToBounds } from '../bounds.js';
import { normalize } from '../apgd/apgd-geometry.js';
import { drainSteps } from '../drain-steps.js';
import { projectRows, type FabNorm } from './hyperplane-projection.js';

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

/** ‖row‖∞, ‖row‖₂ or ‖row‖₁ of values[at, at + d). */
function rowNorm(values: Float32Array, at: number, d: number, norm: FabNorm): number {
  let size = 0;
  if (norm === 'linf') for (let i = at; i < at + d; i++) size = Math.max(size, Math.abs(values[i]!));
  else if (norm === 'l1') for (let i = at; i < at + d; i++) size += Math.abs(values[i]!);
  else for (let i = at; i < at + d; i++) size += values[i]! * values[i]!;
  return norm === 'l2' ? Math.sqrt(size) : size;
}

/** ‖a_row − b_row‖ in `norm`. */
function rowDistance(a: Float32Array, b: Float32Array, at: number, d: number, norm: FabNorm): number {
  let size = 0;
  if (norm === 'linf') for (let i = at; i < at + d; i++) size = Math.max(size, Math.abs(a[i]! - b[i]!));
  else if (norm === 'l1') for (let i = at; i < at + d; i++) size += Math.abs(a[i]! - b[i]!);
  else for (let i = at; i < at + d; i++) size += (a[i]! - b[i]!) * (a[i]! - b[i]!);
  return norm === 'l2' ? Math.sqrt(size) : size;
}

/** The logit gap z_target − z_label per row at `points` and its gradient, from one forward and backward pass. */
function linearize(model: Classifier, points: Float32Array, shape: number[], direction: tf.Tensor): { gap: Float32Array; w: Float32Array } {
  const [gap, grad] = tf.tidy(() => {
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => tf.sum(tf.mul(model.predict(z), direction), 1))(tf.tensor(points, shape));
    return [value, grad];
  });
  // Read outside tidy: tidy walks what its callback returns, element by element for typed arrays.
  const out = { gap: gap!.dataSync() as Float32Array, w: grad!.dataSync() as Float32Array };
  tf.dispose([gap!, grad!]);
  return out;
}

/** The model's class per row of `points`. */
function predictedClasses(model: Classifier, points: Float32Array, shape: number[]): Int32Array {
  const classes = tf.tidy(() => tf.argMax(model.predict(tf.tensor(points, shape)), 1));
  const out = classes.dataSync() as Int32Array;
  classes.dispose();
  return out;
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

/**
 * `fabRun` pausing after every step; stopped early, it disposes every tensor it holds. Between
 * the model's passes the points are flat arrays, stepped by plain loops (the mixed step compiled
 * when the loops load): a few passes over n·d values where tfjs ops cost two dozen kernels.
 */
export function* fabSteps(input: FabRunInput): Generator<void, FabRunResult, void> {
  const { model, x, norm, bounds, eta, beta, alphaMax } = input;
  const n = x.shape[0]!;
  const d = x.size / Math.max(n, 1);
  const shape = [...x.shape];
  const clean = Float32Array.from(x.dataSync());
  const labels = input.labels.dataSync();
  // onehot(target) − onehot(label): picks z_target − z_label out of the logits.
  const direction = tf.tidy(() =>
    tf.sub(tf.oneHot(input.targets, model.numClasses), tf.oneHot(input.labels, model.numClasses)),
  );
  const current = startingPoints(input, clean, n, d);
  const adversarial = Float32Array.from(clean);
  const distances = new Float32Array(n).fill(Infinity);
  const scratch: StepScratch = { offsets: new Float32Array(n), fromCurrent: new Float32Array(n * d), fromClean: new Float32Array(n * d), next: new Float32Array(n * d) };

  try {
    for (let step = 0; step < input.steps; step++) {
      if (step > 0) yield;
      const { gap, w } = linearize(model, current, shape, direction);
      stepTowardsBoundary({ current, clean, w, gap, n, d, norm, bounds, eta, alphaMax }, scratch);
      const predicted = predictedClasses(model, scratch.next, shape);
      judge({ predicted, labels, next: scratch.next, clean, n, d, norm, beta }, { current, adversarial, distances });
    }
  } finally {
    direction.dispose();
  }
  return { adversarial: tf.tensor(adversarial, shape), distances };
}

/** Work arrays of a step, allocated once per run. */
export interface StepScratch {
  offsets: Float32Array;
  fromCurrent: Float32Array;
  fromClean: Float32Array;
  next: Float32Array;
}

/**
 * One FAB step in place, out of the generator (V8 optimizes these loops there): the projections
 * of the current and the clean points onto ⟨w, z⟩ = ⟨w, current⟩ − gap, and `next` the bounded
 * convex combination of the two overshot projections.
 */
export function stepTowardsBoundary(
  at: { current: Float32Array; clean: Float32Array; w: Float32Array; gap: Float32Array; n: number; d: number; norm: FabNorm; bounds: Bounds; eta: number; alphaMax: number },
  scratch: StepScratch,
): void {
  const { current, clean, w, gap, n, d, norm, bounds, eta, alphaMax } = at;
  const { offsets, fromCurrent, fromClean, next } = scratch;
  // The box as numbers for the inner loop (an open one clips nothing).
  const [low, high] = bounds ?? [-Infinity, Infinity];
  // The linearized boundary {z : ⟨w, z⟩ = b} where the target's logit meets the label's.
  for (let row = 0; row < n; row++) {
    let dot = 0;
    for (let i = row * d; i < (row + 1) * d; i++) dot += w[i]! * current[i]!;
    offsets[row] = dot - gap[row]!;
  }
  fromCurrent.fill(0);
  fromClean.fill(0);
  projectRows(current, w, offsets, n, d, norm, bounds, fromCurrent);
  projectRows(clean, w, offsets, n, d, norm, bounds, fromClean);
  // The same values from the compiled loop (tensor-blas): V8 runs the clamped mix below at ~12 ns a value.
  const compiled = norm === 'l1' ? undefined : nativeLoops()?.fabCombine;
  if (compiled) return compiled(n, d, current, clean, fromCurrent, fromClean, norm === 'l2' ? 1 : 0, eta, alphaMax, low, high, next);
  for (let row = 0; row < n; row++) {
    const start = row * d;
    const toCurrent = Math.max(rowNorm(fromCurrent, start, d, norm), 1e-8);
    const toClean = Math.max(rowNorm(fromClean, start, d, norm), 1e-8);
    const alpha = Math.min(Math.max(toCurrent / (toCurrent + toClean), 0), alphaMax);
    for (let i = start; i < start + d; i++) {
      const mixed = (1 - alpha) * (current[i]! + eta * fromCurrent[i]!) + alpha * (clean[i]! + eta * fromClean[i]!);
      next[i] = mixed < low ? low : mixed > high ? high : mixed;
    }
  }
}

/**
 * Judges `next` by its predicted classes: a misclassified row that is the closest so far becomes
 * the row's adversarial, and steps back towards the clean point; the others move to `next`.
 */
function judge(
  step: { predicted: Int32Array; labels: ArrayLike<number>; next: Float32Array; clean: Float32Array; n: number; d: number; norm: FabNorm; beta: number },
  state: { current: Float32Array; adversarial: Float32Array; distances: Float32Array },
): void {
  const { predicted, labels, next, clean, n, d, norm, beta } = step;
  const { current, adversarial, distances } = state;
  for (let row = 0; row < n; row++) {
    const start = row * d;
    // Row copies by `set` (a memory copy): V8's element loop is several times slower.
    if (predicted[row] === labels[row]) {
      current.set(next.subarray(start, start + d), start);
      continue;
    }
    const length = rowDistance(next, clean, start, d, norm);
    if (length < distances[row]!) {
      distances[row] = length;
      adversarial.set(next.subarray(start, start + d), start);
    }
    for (let i = start; i < start + d; i++) current[i] = clean[i]! + (next[i]! - clean[i]!) * beta;
  }
}

/** x, or (restarts) a random point at distance ε/2 from it inside the bounds. */
function startingPoints(input: FabRunInput, clean: Float32Array, n: number, d: number): Float32Array {
  if (input.randomStart === null) return Float32Array.from(clean);
  const { epsilon, random } = input.randomStart;
  const start = tf.tidy(() => {
    const t = input.norm === 'linf' ? random.uniformTensor([n, d], -1, 1) : random.normalTensor([n, d]);
    // L1: a Gaussian direction over its L1 norm, as the reference code.
    const direction = input.norm === 'l1' ? tf.div(t, tf.add(tf.sum(tf.abs(t), 1, true), 1e-12)) : normalize(t, input.norm);
    return clipToBounds(tf.add(tf.tensor2d(clean, [n, d]), tf.mul(direction, 0.5 * epsilon)), input.bounds);
  });
  const out = Float32Array.from(start.dataSync());
  start.dispose();
  return out;
}
