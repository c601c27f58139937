import * as tf from '@tensorflow/tfjs-core';
import type { Attack, AttackProblem } from '../attack.js';
import { AttackInputError } from '../errors.js';
import { resolveFabConfig, type FabTargetedOptions, type ResolvedFabConfig } from './fab-config.js';
import { fabSteps, type FabRunResult } from './fab-run.js';
import { drainSteps } from '../drain-steps.js';

/** FAB-T's adversarial inputs and the smallest distance it reached per example. */
export interface FabResult {
  adversarial: tf.Tensor;
  /** Distance of the returned point to x (0 when misclassified clean, Infinity when none found). */
  distances: Float32Array;
}

export type FabTargetedAttack = Attack & {
  readonly config: ResolvedFabConfig;
  /** Like `perturb`, also returning the minimal distances found. */
  perturbMeasuringDistances(problem: AttackProblem): FabResult;
  /** `perturb` pausing after every FAB step, so a runner can stop it between them. */
  perturbInSteps(problem: AttackProblem): Generator<void, tf.Tensor, void>;
};

/**
 * FAB-T (Croce & Hein, ICML 2020): the minimal-norm targeted Fast Adaptive Boundary attack, run
 * once per target among the `targetClasses` classes ranked highest after the label by the clean
 * logits, each on the examples not yet broken within ε. Untargeted success (prediction ≠ label);
 * each example returns the closest misclassified point found (projected onto the ε-ball by the
 * caller's bookkeeping), else x.
 */
export function fabTargeted(options: FabTargetedOptions): FabTargetedAttack {
  const config = resolveFabConfig(options);
  const perturbMeasuringDistances = (problem: AttackProblem) =>
    drainSteps(fabTargetSteps(problem, config));
  return {
    name: config.attack,
    norm: config.norm,
    config,
    perturbMeasuringDistances,
    perturb: (problem) => perturbMeasuringDistances(problem).adversarial,
    *perturbInSteps(problem) {
      return (yield* fabTargetSteps(problem, config)).adversarial;
    },
  };
}

/** FAB-T on one batch, target by target, pausing after every FAB step. */
function* fabTargetSteps(
  problem: AttackProblem,
  config: ResolvedFabConfig,
): Generator<void, FabResult, void> {
  if (problem.targeted)
    throw new AttackInputError('fab-t chooses its own targets; run it untargeted');
  const { model, x, epsilon } = problem;
  const n = x.shape[0]!;
  const width = x.size / Math.max(n, 1);
  const classes = model.numClasses;
  const labels = Int32Array.from(problem.labels.dataSync());
  const output = Float32Array.from(x.dataSync());
  const [predicted, ranking] = tf.tidy(() => {
    const logits = model.predict(x);
    return [tf.argMax(logits, 1).dataSync(), tf.topk(logits, classes).indices.dataSync()];
  });
  const distances = Float32Array.from(predicted!, (p, i) => (p !== labels[i] ? 0 : Infinity));
  const targets = Math.min(config.targetClasses, classes - 1);
  for (let rank = 1; rank <= targets; rank++) {
    for (let restart = 0; restart < config.restarts; restart++) {
      const todo = Int32Array.from(
        Array.from(distances).flatMap((distance, i) => (distance > epsilon ? [i] : [])),
      );
      if (todo.length === 0) break;
      const [xs, ys, ts] = tf.tidy(() => {
        const at = tf.tensor1d(todo, 'int32');
        return [
          tf.gather(x, at),
          tf.gather(problem.labels, at),
          tf.tensor1d(
            Int32Array.from(todo, (i) => ranking![i * classes + rank]!),
            'int32',
          ),
        ];
      });
      let run: FabRunResult;
      try {
        run = yield* fabSteps({
          model,
          x: xs!,
          labels: ys as tf.Tensor1D,
          targets: ts as tf.Tensor1D,
          norm: config.norm,
          bounds: problem.bounds,
          steps: config.steps,
          alphaMax: config.alphaMax,
          eta: config.eta,
          beta: config.beta,
          randomStart:
            restart === 0
              ? null
              : { epsilon, random: problem.random.fork(`target ${rank} restart ${restart}`) },
        });
      } finally {
        tf.dispose([xs!, ys!, ts!]);
      }
      const found = run.adversarial.dataSync();
      run.adversarial.dispose();
      todo.forEach((i, j) => {
        if (run.distances[j]! < distances[i]!) {
          distances[i] = run.distances[j]!;
          output.set(found.subarray(j * width, (j + 1) * width), i * width);
        }
      });
    }
  }
  return { adversarial: tf.tensor(output, [...x.shape], 'float32'), distances };
}
