import * as tf from '@tensorflow/tfjs-core';
import type { ApgdRunInput, ApgdRunResult } from './apgd-run.js';
import { activeEvaluator, type ActiveEvaluation } from './active-evaluation.js';
import { copyRows } from './flat-threat-model.js';
import { kthSmallest } from './kth-smallest.js';
import { L1BoxProjection } from '../norms/l1-box-projection.js';

/** An L1 APGD run: the momentum run's input without ρ (L1 adapts its step by sparsity instead). */
export type ApgdL1RunInput = Omit<ApgdRunInput, 'norm' | 'rho'> & {
  /**
   * 'decreasing' (AutoAttack's L1 setting): 30 % of the steps at 3ε, 30 % at 2ε, the rest at ε,
   * each phase starting from the previous one's best point; 'fixed': every step at ε.
   */
  epsilonSchedule: 'decreasing' | 'fixed';
};

// The reference code's constants: the share of coordinates stepped at first, the step's
// reduction and floor, and the sparsity drop that restores the full step.
const initialSparsity = 0.2;
const stepReduction = 1.5;
const minimumStepShare = 1 / 10;
const sparsityDrop = 0.95;
const tiny = 1e-10;

/**
 * L1-APGD (Croce & Hein, ICML 2021, "Mind the box"), as in the reference code: each step moves
 * the coordinates with the largest |gradient| (a share adapted to the sparsity of the best point)
 * by ±η/count, then projects onto the L1 ball intersected with the bounds; every ⌊0.04·N⌋ steps
 * an example whose best point got sparser (by 5 %) restarts from it with the full step ε, the
 * others shrink the step by 1.5 (down to ε/10). No momentum.
 */
export function* apgdL1Steps(input: ApgdL1RunInput): Generator<void, ApgdRunResult, void> {
  const { x: xTensor, epsilon, steps } = input;
  const n = xTensor.shape[0]!;
  const x = Float32Array.from(xTensor.dataSync());
  const w = x.length / Math.max(n, 1);
  const [low, high] = input.bounds ?? [-Infinity, Infinity];
  const projection = new L1BoxProjection(w);
  const grad = new Float32Array(n * w);
  const evaluate = activeEvaluator(input.model, input.objective, xTensor, grad, input.eotSamples ?? 1);
  const everyRow = Int32Array.from({ length: n }, (_, i) => i);
  const project = (point: Float32Array, radius: number, rows: Int32Array = everyRow) => {
    for (const i of rows) projection.project(point, x, i, radius, low, high, point);
  };

  const phases = input.epsilonSchedule === 'decreasing' ? decreasingPhases(epsilon, steps) : [{ epsilon, steps }];
  // The first phase starts from Gaussian noise projected into its ball.
  const start = new Float32Array(n * w);
  for (let j = 0; j < start.length; j++) start[j] = x[j]! + input.random.normal();
  project(start, phases[0]!.epsilon);
  const warm = phases.length > 1;
  let result: PhaseResult | undefined;
  for (const [p, phase] of phases.entries()) {
    if (p > 0) {
      start.set(result!.best);
      project(start, phase.epsilon);
    }
    const final = p === phases.length - 1;
    result = yield* l1Phase(input, { x, w, n, grad, evaluate, project }, phase.epsilon, phase.steps, start, warm, final);
  }
  const shape = [...xTensor.shape];
  return { ...result!, best: tf.tensor(result!.best, shape, 'float32'), adversarial: tf.tensor(result!.adversarial, shape, 'float32') };
}

/** A phase's result in flat rows. */
interface PhaseResult {
  best: Float32Array;
  bestLoss: Float32Array;
  adversarial: Float32Array;
  success: Uint8Array;
}

/**
 * AutoAttack's decreasing-ε schedule: ⌈0.3N⌉ steps at 3ε, ⌈0.3N⌉ at 2ε, the rest at ε; all at
 * ε when that would leave the last phase no step (N < 3, and N = 4).
 */
function decreasingPhases(epsilon: number, steps: number): { epsilon: number; steps: number }[] {
  const first = Math.ceil(0.3 * steps);
  if (steps - 2 * first < 1) return [{ epsilon, steps }];
  return [
    { epsilon: 3 * epsilon, steps: first },
    { epsilon: 2 * epsilon, steps: first },
    { epsilon, steps: steps - 2 * first },
  ];
}

interface PhaseContext {
  x: Float32Array;
  w: number;
  n: number;
  grad: Float32Array;
  evaluate: (point: Float32Array, active: Int32Array) => ActiveEvaluation;
  /** Projects the given rows (default all) of `point` onto the ball of `radius` within the bounds. */
  project: (point: Float32Array, radius: number, rows?: Int32Array) => void;
}

/**
 * One run at radius ε from `start` (flat rows, inside the ball; copied). `warm`: the sparsity
 * starts from the start point's instead of 20 %. Only the final phase's goal counts: a point
 * reached in a larger ball is not an adversarial example at the attack's ε.
 */
function* l1Phase(
  input: ApgdL1RunInput,
  context: PhaseContext,
  epsilon: number,
  steps: number,
  start: Float32Array,
  warm: boolean,
  final: boolean,
): Generator<void, PhaseResult, void> {
  const { x, w, n, grad, evaluate, project } = context;
  const dropReached = final && (input.dropReached ?? false);
  let active = Int32Array.from({ length: n }, (_, i) => i);
  const current = Float32Array.from(start);
  const first = evaluate(current, active);
  const best = Float32Array.from(current);
  const bestGrad = Float32Array.from(grad);
  const bestLoss = Float32Array.from(first.loss);
  const adversarial = Float32Array.from(current);
  const success = Uint8Array.from(first.predicted, (p, i) => (final && input.reached(p, i) ? 1 : 0));
  const stepSize = new Float64Array(n).fill(epsilon);
  const previousSparsity = new Float64Array(n);
  const share = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    previousSparsity[i] = warm ? nonZeros(current, x, i, w) : w;
    share[i] = warm ? previousSparsity[i]! / w / stepReduction : initialSparsity;
  }
  if (dropReached) active = active.filter((i) => !success[i]);
  const interval = Math.max(Math.floor(0.04 * steps), 1);
  const magnitudes = new Float32Array(w);

  for (let step = 0; step < steps && active.length > 0; step++) {
    if (step > 0) yield;
    for (const i of active) sparseStep(current, grad, i, w, share[i]!, stepSize[i]!, magnitudes);
    project(current, epsilon, active);
    const { loss, predicted } = evaluate(current, active);

    const reachedNow = new Uint8Array(n);
    const improved = new Uint8Array(n);
    active.forEach((i, j) => {
      if (final && input.reached(predicted[j]!, i)) {
        reachedNow[i] = 1;
        success[i] = 1;
      }
      if (loss[j]! > bestLoss[i]!) {
        improved[i] = 1;
        bestLoss[i] = loss[j]!;
      }
    });
    copyRows(reachedNow, current, adversarial, w);
    copyRows(improved, current, best, w);
    copyRows(improved, grad, bestGrad, w);

    if ((step + 1) % interval === 0) {
      const sparser = new Uint8Array(n);
      for (const i of active) {
        const sparsity = nonZeros(best, x, i, w);
        // 0/0 and k/0 compare false in the reference code.
        sparser[i] = previousSparsity[i]! > 0 && sparsity / previousSparsity[i]! < sparsityDrop ? 1 : 0;
        share[i] = sparsity / w / stepReduction;
        const next = sparser[i] ? epsilon : stepSize[i]! / stepReduction;
        stepSize[i] = Math.min(Math.max(next, minimumStepShare * epsilon), epsilon);
        previousSparsity[i] = sparsity;
      }
      copyRows(sparser, best, current, w);
      copyRows(sparser, bestGrad, grad, w);
    }
    if (dropReached && reachedNow.some(Boolean)) active = active.filter((i) => !reachedNow[i]);
  }
  return { best, bestLoss, adversarial, success };
}

/** How many coordinates of row i differ from x. */
function nonZeros(point: Float32Array, x: Float32Array, i: number, w: number): number {
  let count = 0;
  for (let j = i * w; j < (i + 1) * w; j++) if (point[j] !== x[j]) count++;
  return count;
}

/**
 * Row i += η·sign(g)/count on the coordinates whose |g| is at least the ⌊(1 − share)·w⌋-th
 * smallest (count: how many of them have g ≠ 0), as the reference code's sparse step.
 */
function sparseStep(point: Float32Array, grad: Float32Array, i: number, w: number, share: number, eta: number, magnitudes: Float32Array): void {
  const at = i * w;
  // A NaN gradient counts as the largest magnitude, where a sort puts it; it never moves (NaN ≥ t fails).
  for (let j = 0; j < w; j++) {
    const m = Math.abs(grad[at + j]!);
    magnitudes[j] = m === m ? m : Infinity;
  }
  const rank = Math.min(Math.max(Math.trunc((1 - share) * w), 0), w - 1);
  const threshold = kthSmallest(magnitudes, rank);
  let count = 0;
  for (let j = at; j < at + w; j++) if (grad[j] !== 0 && Math.abs(grad[j]!) >= threshold) count++;
  const move = eta / (count + tiny);
  for (let j = at; j < at + w; j++) {
    const g = grad[j]!;
    if (g !== 0 && Math.abs(g) >= threshold) point[j] = point[j]! + (g > 0 ? move : -move);
  }
}
