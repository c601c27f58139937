import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { checkpointSchedule, nextInterval, oscillates } from './apgd-schedule.js';
import {
  ascentDirection,
  projectToThreatModel,
  randomStart,
  selectRows,
  type ApgdNorm,
} from './apgd-geometry.js';
import { eotLossAndGradient } from './eot-gradient.js';

/** One APGD run on a batch; every tensor here belongs to the caller. */
export interface ApgdRunInput {
  model: Classifier;
  x: tf.Tensor;
  /** The per-example loss [N] to ascend, from the logits [N, C]. */
  objective: (logits: tf.Tensor2D) => tf.Tensor1D;
  /** Whether a prediction reaches the goal for example i. */
  reached: (predicted: number, i: number) => boolean;
  norm: ApgdNorm;
  epsilon: number;
  bounds: Bounds;
  steps: number;
  /** Condition 1's threshold ρ (0.75 in the paper). */
  rho: number;
  /** Forward/backward passes averaged per step, for randomized models (default 1). */
  eotSamples?: number;
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

/** Loss, predicted class and input gradient at z (averaged over the EOT passes). */
function evaluate(input: ApgdRunInput, z: tf.Tensor, seed: tf.Tensor) {
  return eotLossAndGradient(input.model, input.objective, z, seed, input.eotSamples ?? 1);
}

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

/** `apgdRun` pausing after every step; stopped early, it disposes every tensor it holds. */
export function* apgdSteps(input: ApgdRunInput): Generator<void, ApgdRunResult, void> {
  const { x, norm, epsilon, bounds, steps, rho } = input;
  const n = x.shape[0]!;
  const seed = tf.tidy(() =>
    tf.concat([tf.ones([n, 1]), tf.zeros([n, input.model.numClasses])], 1),
  );
  const project = (z: tf.Tensor) => projectToThreatModel(z, x, epsilon, norm, bounds);

  let current = randomStart(x, epsilon, norm, bounds, input.random);
  let previous = tf.clone(current);
  let { grad, loss, predicted } = evaluate(input, current, seed);
  let bestGrad = tf.clone(grad);
  let best = tf.clone(current);
  let adversarial = tf.clone(current);
  const success = Uint8Array.from(predicted, (p, i) => (input.reached(p, i) ? 1 : 0));
  const bestLoss = Float32Array.from(loss);
  const initialLoss = Float32Array.from(loss);
  const stepSize = new Float32Array(n).fill(initialStep * epsilon);
  const lossHistory: Float32Array[] = [];

  const schedule = checkpointSchedule(steps);
  let interval = schedule.first;
  let sinceCheckpoint = 0;
  let bestAtLastCheckpoint = Float32Array.from(bestLoss);
  let reducedAtLastCheckpoint = new Uint8Array(n).fill(1);

  let finished = false;
  try {
    for (let step = 0; step < steps; step++) {
      if (step > 0) yield;
      const alpha = step > 0 ? momentum : 1;
      const next = tf.tidy(() => {
        const eta = tf.reshape(tf.tensor1d(stepSize), [n, ...x.shape.slice(1).map(() => 1)]);
        const z = project(tf.add(current, tf.mul(eta, ascentDirection(grad, norm))));
        const moved = tf.add(
          tf.add(current, tf.mul(tf.sub(z, current), alpha)),
          tf.mul(tf.sub(current, previous), 1 - alpha),
        );
        return project(moved);
      });
      previous.dispose();
      previous = current;
      current = next;
      grad.dispose();
      ({ grad, loss, predicted } = evaluate(input, current, seed));

      const reachedNow = new Uint8Array(n);
      const improved = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (input.reached(predicted[i]!, i)) {
          // The reference keeps the latest successful iterate of each example.
          reachedNow[i] = 1;
          success[i] = 1;
        }
        if (loss[i]! > bestLoss[i]!) {
          improved[i] = 1;
          bestLoss[i] = loss[i]!;
        }
      }
      if (reachedNow.some(Boolean))
        adversarial = swap(adversarial, selectRows(reachedNow, current, adversarial));
      if (improved.some(Boolean)) {
        best = swap(best, selectRows(improved, current, best));
        bestGrad = swap(bestGrad, selectRows(improved, grad, bestGrad));
      }
      lossHistory.push(loss);

      if (++sinceCheckpoint < interval) continue;
      const reduce = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
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
      if (reduce.some(Boolean)) {
        current = swap(current, selectRows(reduce, best, current));
        grad = swap(grad, selectRows(reduce, bestGrad, grad));
      }
      interval = nextInterval(schedule, interval);
      sinceCheckpoint = 0;
    }
    finished = true;
  } finally {
    tf.dispose([seed, current, previous, grad, bestGrad]);
    // Stopped between steps: nothing is handed back, so nothing is kept.
    if (!finished) tf.dispose([best, adversarial]);
  }
  return { best, bestLoss, adversarial, success };
}

function swap(old: tf.Tensor, next: tf.Tensor): tf.Tensor {
  old.dispose();
  return next;
}
