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
import type { ApgdNorm } from './apgd-geometry.js';
import { apgdSteps } from './apgd-run.js';
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
          apgdSteps({
            model: problem.model,
            x,
            objective: (logits, rows) =>
              config.loss === 'dlr'
                ? dlrLoss(logits, rowsOf(labels, rows))
                : attackObjective(logits, rowsOf(labels, rows), 'cross-entropy', problem.targeted),
            reached,
            ...stepSettings(config, problem),
            random: problem.random.fork(`restart ${restart}`),
          }),
        );
      }
      return pool.result();
    },
  };
}

/**
 * The APGD run settings APGD and APGD-T share. Examples already broken are dropped from the batch,
 * except under EOT, where one noisy success is not final.
 */
function stepSettings(config: ResolvedApgdConfig, problem: AttackProblem) {
  return {
    norm: config.norm as ApgdNorm,
    epsilon: problem.epsilon,
    bounds: problem.bounds,
    steps: config.steps,
    rho: config.rho,
    eotSamples: config.eotSamples,
    dropReached: config.eotSamples === 1,
  };
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
              return yield* apgdSteps({
                model: problem.model,
                x,
                objective: (logits, rows) =>
                  targetedDlrLoss(logits, rowsOf(labels, rows), rowsOf(target, rows)),
                reached,
                ...stepSettings(config, problem),
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
