import * as tf from '@tensorflow/tfjs-core';
import type { Attack, AttackProblem } from '../attack.js';
import { drainSteps } from '../drain-steps.js';
import { imageLayout } from './image-layout.js';
import {
  resolveSquareConfig,
  type ResolvedSquareConfig,
  type SquareOptions,
} from './square-config.js';
import {
  l2Proposal,
  l2Start,
  linfProposal,
  linfStart,
  type SquareContext,
} from './square-proposals.js';
import { l1Proposal, l1Start } from './square-l1.js';
import { squareFraction, squareSide } from './square-schedule.js';

/** Square's adversarial inputs and the model queries each example used. */
export interface SquareResult {
  adversarial: tf.Tensor;
  /** Per example: queries made (0 for examples already misclassified or on target when clean). */
  queries: Int32Array;
}

export type SquareAttack = Attack & {
  readonly config: ResolvedSquareConfig;
  /** Like `perturb`, also returning the queries per example. */
  perturbCountingQueries(problem: AttackProblem): SquareResult;
  /** `perturb` pausing after every query round, so a runner can stop it between them. */
  perturbInSteps(problem: AttackProblem): Generator<void, tf.Tensor, void>;
};

/**
 * Square Attack (Andriushchenko et al., ECCV 2020): score-based random search, no gradients.
 * Each iteration proposes, for every still-robust example, one random square change of the
 * best point so far and keeps it if the margin loss drops or the goal is reached.
 */
export function square(options: SquareOptions): SquareAttack {
  const config = resolveSquareConfig(options);
  const perturbCountingQueries = (problem: AttackProblem) =>
    drainSteps(squareSteps(problem, config));
  return {
    name: 'square',
    norm: config.norm,
    config,
    perturbCountingQueries,
    perturb: (problem) => perturbCountingQueries(problem).adversarial,
    *perturbInSteps(problem) {
      return (yield* squareSteps(problem, config)).adversarial;
    },
  };
}

/**
 * Margin per example: untargeted z_y − max_{j≠y} z_j, targeted max_{j≠t} z_j − z_t; the goal is
 * reached when it is ≤ 0. Square minimizes it.
 */
function margins(problem: AttackProblem, rows: Float32Array, labels: Int32Array): Float32Array {
  const count = labels.length;
  // Read outside tidy: tidy walks what its callback returns, element by element for a typed array.
  const predicted = tf.tidy(() =>
    problem.model.predict(tf.tensor(rows, [count, ...problem.x.shape.slice(1)], 'float32')),
  );
  const logits = predicted.dataSync();
  predicted.dispose();
  const classes = logits.length / Math.max(count, 1);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels[i]!;
    let other = -Infinity;
    for (let c = 0; c < classes; c++)
      if (c !== label) other = Math.max(other, logits[i * classes + c]!);
    const own = logits[i * classes + label]!;
    out[i] = problem.targeted ? other - own : own - other;
  }
  return out;
}

/** Square on one batch, pausing after each round of queries; it holds no tensors between rounds. */
function* squareSteps(
  problem: AttackProblem,
  config: ResolvedSquareConfig,
): Generator<void, SquareResult, void> {
  const n = problem.x.shape[0]!;
  const width = problem.x.size / Math.max(n, 1);
  const layout = imageLayout(problem.x.shape.slice(1), config.imageShape);
  const x = Float32Array.from(problem.x.dataSync());
  const labels = Int32Array.from(problem.labels.dataSync());
  const best = Float32Array.from(x);
  const queries = new Int32Array(n);
  const margin = margins(problem, x, labels);
  const start = { linf: linfStart, l2: l2Start, l1: l1Start }[config.norm];
  const propose = { linf: linfProposal, l2: l2Proposal, l1: l1Proposal }[config.norm];
  const row = (data: Float32Array, i: number) => data.subarray(i * width, (i + 1) * width);

  for (let restart = 0; restart < config.restarts; restart++) {
    const active = survivors(margin);
    if (active.length === 0) break;
    const random = problem.random.fork(`restart ${restart}`);
    const context = (i: number): SquareContext => ({
      layout,
      epsilon: problem.epsilon,
      bounds: problem.bounds,
      random: random.fork(`example ${i}`),
    });
    // Each example draws from its own stream, so results do not depend on who else is attacked.
    const contexts = new Map(Array.from(active, (i) => [i, context(i)] as const));
    // This restart's accepted point and its margin; `best` keeps the lowest margin over restarts.
    const current = Float32Array.from(x);
    // Examples outside this restart sit at 0: never counted as survivors.
    const currentMargin = new Float32Array(n);
    const starts = new Float32Array(active.length * width);
    active.forEach((i, j) => start(row(x, i), row(starts, j), contexts.get(i)!));
    const startMargin = margins(
      problem,
      starts,
      Int32Array.from(active, (i) => labels[i]!),
    );
    const accept = (i: number, value: number, point: Float32Array) => {
      currentMargin[i] = value;
      row(current, i).set(point);
      if (value <= margin[i]! || restart === 0) {
        margin[i] = value;
        row(best, i).set(point);
      }
    };
    active.forEach((i, j) => {
      queries[i]!++;
      accept(i, startMargin[j]!, row(starts, j));
    });
    for (let iteration = 0; iteration < config.queries - 1; iteration++) {
      yield;
      const todo = survivors(currentMargin);
      if (todo.length === 0) break;
      const side = squareSide(
        squareFraction(iteration, config.queries, config.pInit),
        layout,
        config.norm,
      );
      const proposals = new Float32Array(todo.length * width);
      todo.forEach((i, j) =>
        propose(row(x, i), row(current, i), row(proposals, j), side, contexts.get(i)!),
      );
      const proposed = margins(
        problem,
        proposals,
        Int32Array.from(todo, (i) => labels[i]!),
      );
      todo.forEach((i, j) => {
        queries[i]!++;
        // The reference accepts a lower loss, or any point that reaches the goal.
        if (proposed[j]! < currentMargin[i]! || proposed[j]! <= 0)
          accept(i, proposed[j]!, row(proposals, j));
      });
    }
  }
  return { adversarial: tf.tensor(best, [...problem.x.shape], 'float32'), queries };
}

/** Indices of the examples whose margin is still positive. */
function survivors(margin: Float32Array): Int32Array {
  const out: number[] = [];
  margin.forEach((m, i) => {
    if (m > 0) out.push(i);
  });
  return Int32Array.from(out);
}
