import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { checkpointSchedule, nextInterval, oscillates } from './apgd-schedule.js';
import { randomStart, type MomentumNorm } from './apgd-geometry.js';
import { activeEvaluator } from './active-evaluation.js';
import { copyRows, FlatThreatModel } from './flat-threat-model.js';

/** One APGD run on a batch; every tensor here belongs to the caller. */
export interface ApgdRunInput {
  model: Classifier;
  x: tf.Tensor;
  /**
   * The per-example loss to ascend, from the logits of the batch rows `rows` (null: all rows,
   * in order); an objective that needs per-example data (labels, targets) gathers those rows.
   */
  objective: (logits: tf.Tensor2D, rows: tf.Tensor1D | null) => tf.Tensor1D;
  /** Whether a prediction reaches the goal for example i. */
  reached: (predicted: number, i: number) => boolean;
  norm: MomentumNorm;
  epsilon: number;
  bounds: Bounds;
  steps: number;
  /** Condition 1's threshold ρ (0.75 in the paper). */
  rho: number;
  /** Forward/backward passes averaged per step, for randomized models (default 1). */
  eotSamples?: number;
  /**
   * Stop stepping an example once it reached the goal (its successful point is kept; later
   * steps could only replace it by another success); the objective then gets the rows still
   * stepped. Default false (every example stepped, as the reference code); `apgd` and
   * `apgdTargeted` turn it on unless eotSamples > 1 (one noisy pass's success is not final).
   */
  dropReached?: boolean;
  random: Random;
}

/** What one run found (the caller owns the tensors). */
export interface ApgdRunResult {
  /** The point of highest loss per example. */
  best: tf.Tensor;
  bestLoss: Float32Array;
  /** Per example: the first point that reached the goal, else the start point. */
  adversarial: tf.Tensor;
  success: Uint8Array;
}

// The paper's momentum weight α (the first step takes none).
const momentum = 0.75;
// The initial step size, a multiple of ε (2ε: the step can cross the ball at first).
const initialStep = 2;

/**
 * Auto-PGD (Croce & Hein, ICML 2020, Algorithm 1) for one batch: momentum steps of size η
 * starting at 2ε; at each checkpoint an example whose loss rose in at most ρ of the last steps,
 * or whose best loss did not improve since the previous checkpoint (unless its step was just
 * cut), halves its step and restarts from its best point.
 */
export function apgdRun(input: ApgdRunInput): ApgdRunResult {
  const steps = apgdSteps(input);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** `apgdRun` pausing after every step; stopped early, it holds no tensors to dispose. */
export function* apgdSteps(input: ApgdRunInput): Generator<void, ApgdRunResult, void> {
  const { x, norm, epsilon, bounds, steps, rho } = input;
  const n = x.shape[0]!;
  const samples = input.eotSamples ?? 1;
  const dropReached = input.dropReached ?? false;
  // The iterates live in flat float32 arrays: the tensors are only the model's input and gradient.
  const ball = new FlatThreatModel(Float32Array.from(x.dataSync()), n, norm, epsilon, bounds);
  const w = ball.width;
  const grad = new Float32Array(n * w);
  let active = Int32Array.from({ length: n }, (_, i) => i);
  const evaluate = activeEvaluator(input.model, input.objective, x, grad, samples);
  const evaluateActive = (point: Float32Array) => evaluate(point, active);

  const start = randomStart(x, epsilon, norm, bounds, input.random);
  let current: Float32Array = Float32Array.from(start.dataSync());
  start.dispose();
  let previous: Float32Array = Float32Array.from(current);
  const first = evaluateActive(current);
  const bestGrad = Float32Array.from(grad);
  const best = Float32Array.from(current);
  const adversarial = Float32Array.from(current);
  const success = Uint8Array.from(first.predicted, (p, i) => (input.reached(p, i) ? 1 : 0));
  const bestLoss = Float32Array.from(first.loss);
  const initialLoss = Float32Array.from(first.loss);
  // Per example, the loss after each step (examples dropped keep their last value: never read again).
  const lossHistory: Float32Array[] = [];
  let lastLoss = Float32Array.from(first.loss);
  const stepSize = new Float32Array(n).fill(initialStep * epsilon);
  if (dropReached) active = active.filter((i) => !success[i]);

  const schedule = checkpointSchedule(steps);
  let interval = schedule.first;
  let sinceCheckpoint = 0;
  let bestAtLastCheckpoint = Float32Array.from(bestLoss);
  let reducedAtLastCheckpoint = new Uint8Array(n).fill(1);

  for (let step = 0; step < steps && active.length > 0; step++) {
    if (step > 0) yield;
    // The new iterate overwrites the oldest buffer.
    const next = previous;
    ball.momentumStep(active, current, previous, grad, stepSize, step > 0 ? momentum : 1, next);
    previous = current;
    current = next;
    // Dropped rows of `current` are stale; they are never read again.
    const { loss, predicted } = evaluateActive(current);

    const reachedNow = new Uint8Array(n);
    const improved = new Uint8Array(n);
    const stepLoss = Float32Array.from(lastLoss);
    active.forEach((i, j) => {
      stepLoss[i] = loss[j]!;
      if (input.reached(predicted[j]!, i)) {
        // The reference keeps the latest successful iterate of each example.
        reachedNow[i] = 1;
        success[i] = 1;
      }
      if (loss[j]! > bestLoss[i]!) {
        improved[i] = 1;
        bestLoss[i] = loss[j]!;
      }
    });
    lastLoss = stepLoss;
    copyRows(reachedNow, current, adversarial, w);
    copyRows(improved, current, best, w);
    copyRows(improved, grad, bestGrad, w);
    lossHistory.push(stepLoss);

    if (++sinceCheckpoint >= interval) {
      const reduce = new Uint8Array(n);
      for (const i of active) {
        const history = lossHistory.map((l) => l[i]!);
        const oscillating = oscillates(history, initialLoss[i]!, step, interval, rho);
        const stalled = !reducedAtLastCheckpoint[i] && bestAtLastCheckpoint[i]! >= bestLoss[i]!;
        if (oscillating || stalled) {
          reduce[i] = 1;
          stepSize[i] = stepSize[i]! / 2;
        }
      }
      reducedAtLastCheckpoint = reduce;
      bestAtLastCheckpoint = Float32Array.from(bestLoss);
      // Restart those examples from their best point, with that point's gradient.
      copyRows(reduce, best, current, w);
      copyRows(reduce, bestGrad, grad, w);
      interval = nextInterval(schedule, interval);
      sinceCheckpoint = 0;
    }
    if (dropReached && reachedNow.some(Boolean)) active = active.filter((i) => !reachedNow[i]);
  }
  const shape = [...x.shape];
  return {
    best: tf.tensor(best, shape, 'float32'),
    bestLoss,
    adversarial: tf.tensor(adversarial, shape, 'float32'),
    success,
  };
}
