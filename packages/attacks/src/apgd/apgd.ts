import * as tf from '@tensorflow/tfjs-core';
import type { Attack, AttackProblem } from '../attack.js';
import { attackObjective } from '../objectives/registry.js';
import { AttackInputError } from '../errors.js';
import { dlrLoss, targetedDlrLoss } from '../objectives/dlr.js';
import {
  resolveApgdConfig,
  resolveApgdTargetedConfig,
  type ApgdOptions,
  type ApgdTargetedOptions,
  type ResolvedApgdConfig,
} from './apgd-config.js';
import type { MomentumNorm } from './apgd-geometry.js';
import { apgdL1Steps } from './apgd-l1-run.js';
import { apgdSteps, type ApgdRunInput, type ApgdRunResult } from './apgd-run.js';
import { SurvivorPool } from './survivor-pool.js';
import { drainSteps } from '../drain-steps.js';

/**
 * APGD-CE / APGD-DLR (Croce & Hein, ICML 2020): step-size-free PGD with momentum and
 * checkpoints. Restarts run on the examples still robust; each example returns a point that
 * reached the goal if one was found, else its highest-loss point.
 */
export function apgd(options: ApgdOptions): ApgdAttack {
  const config = resolveApgdConfig(options);
  return {
    name: config.attack,
    norm: config.norm,
    config,
    perturb(problem) {
      return drainSteps(this.perturbInSteps(problem));
    },
    *perturbInSteps(problem: AttackProblem) {
      if (problem.targeted && config.loss === 'dlr')
        throw new AttackInputError(
          'apgd-dlr is untargeted; use apgd-t, or apgd with the cross-entropy loss for given targets',
        );
      const pool = new SurvivorPool(problem);
      for (let restart = 0; restart < config.restarts && pool.remaining() > 0; restart++) {
        yield* pool.attackSurvivors((x, labels, reached) =>
          runSteps(config, problem, {
            x,
            objective: (logits, rows) =>
              config.loss === 'dlr'
                ? dlrLoss(logits, rowsOf(labels, rows))
                : attackObjective(logits, rowsOf(labels, rows), 'cross-entropy', problem.targeted),
            reached,
            random: problem.random.fork(`restart ${restart}`),
          }),
        );
      }
      return pool.result();
    },
  };
}

/**
 * One APGD run with the settings APGD and APGD-T share: the sparse L1 run for norm l1, else the
 * momentum run. Examples already broken are dropped from the batch, except under EOT, where one
 * noisy success is not final.
 */
function runSteps(
  config: ResolvedApgdConfig,
  problem: AttackProblem,
  run: Pick<ApgdRunInput, 'x' | 'objective' | 'reached' | 'random'>,
): Generator<void, ApgdRunResult, void> {
  const shared = {
    ...run,
    model: problem.model,
    epsilon: problem.epsilon,
    bounds: problem.bounds,
    steps: config.steps,
    eotSamples: config.eotSamples,
    dropReached: config.eotSamples === 1,
  };
  if (config.norm === 'l1') return apgdL1Steps({ ...shared, epsilonSchedule: config.epsilonSchedule ?? 'decreasing' });
  return apgdSteps({ ...shared, norm: config.norm as MomentumNorm, rho: config.rho! }); // resolved for every momentum norm
}

/** An APGD attack: its resolved settings, and its steps for runners that pause between them. */
export type ApgdAttack = Attack & {
  readonly config: ResolvedApgdConfig;
  perturbInSteps(problem: AttackProblem): Generator<void, tf.Tensor, void>;
};

/**
 * APGD-T (Croce & Hein 2020): APGD on the targeted DLR loss, once per target among the
 * `targetClasses` classes ranked highest after the label by the clean logits, each on the
 * examples still robust. Untargeted: success is any prediction other than the label.
 */
export function apgdTargeted(options: ApgdTargetedOptions): ApgdAttack {
  const config = resolveApgdTargetedConfig(options);
  return {
    name: config.attack,
    norm: config.norm,
    config,
    perturb(problem: AttackProblem) {
      return drainSteps(this.perturbInSteps(problem));
    },
    *perturbInSteps(problem: AttackProblem) {
      if (problem.targeted)
        throw new AttackInputError('apgd-t chooses its own targets; run it untargeted');
      const classes = problem.model.numClasses;
      const targets = Math.min(config.targetClasses!, classes - 1);
      const ranking = cleanRanking(problem);
      const pool = new SurvivorPool(problem);
      for (let rank = 1; rank <= targets; rank++) {
        for (let restart = 0; restart < config.restarts && pool.remaining() > 0; restart++) {
          yield* pool.attackSurvivors(function* (x, labels, reached, indices) {
            const target = tf.tensor1d(
              Int32Array.from(indices, (i) => ranking[i * classes + rank]!),
              'int32',
            );
            try {
              return yield* runSteps(config, problem, {
                x,
                objective: (logits, rows) =>
                  targetedDlrLoss(logits, rowsOf(labels, rows), rowsOf(target, rows)),
                reached,
                random: problem.random.fork(`target ${rank} restart ${restart}`),
              });
            } finally {
              target.dispose();
            }
          });
        }
      }
      return pool.result();
    },
  };
}

/** The entries of a per-example tensor for the batch rows being evaluated (null: all). */
function rowsOf(t: tf.Tensor1D, rows: tf.Tensor1D | null): tf.Tensor1D {
  return rows === null ? t : tf.gather(t, rows);
}

/** Per example, the classes sorted by decreasing clean logit, flattened [N·C]. */
function cleanRanking(problem: AttackProblem): Int32Array {
  const classes = problem.model.numClasses;
  return tf.tidy(() => {
    const logits = problem.model.predict(problem.x);
    return tf.topk(logits, classes).indices.dataSync() as Int32Array;
  });
}
