import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { Attack } from './attack.js';
import { attackOnce } from './attack-once.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import {
  accuracy,
  emptyResultFields,
  prepareRun,
  type AttackInputs,
  type EpsilonListFields,
  type ResolvedRunConfig,
  type RunOptions,
} from './run-config.js';

/** One attack over an ε list. Tensors (raw, clipped) belong to the caller. */
export interface AttackResult extends EpsilonListFields {
  config: { attack: Attack['config']; run: ResolvedRunConfig };
  epsilons: number[];
  /** Per ε: the attack's own output [N, ...], empty when `returnAdversarials` is false. */
  raw: tf.Tensor[];
  /** Per ε: projected onto the ε-ball and clipped to the bounds; success is judged on these. */
  clipped: tf.Tensor[];
  /** success[e][i]: the goal was reached for example i at ε = epsilons[e] (the matrix [numEps, N]). */
  success: boolean[][];
}

/**
 * Runs one attack for every ε in `options.epsilons` and does the shared bookkeeping: raw and
 * clipped adversarials, the success matrix, robust accuracy, the resolved config and timings.
 */
export async function runAttack(
  model: Classifier,
  inputs: AttackInputs,
  attack: Attack,
  options: RunOptions,
): Promise<AttackResult> {
  const started = performance.now();
  const run = prepareRun(model, inputs, options);
  const { config } = run;
  const result: AttackResult = {
    config: { attack: attack.config, run: config },
    epsilons: config.epsilons,
    raw: [],
    clipped: [],
    success: [],
    ...emptyResultFields(run),
  };
  try {
    for (const [e, epsilon] of config.epsilons.entries()) {
      const epsilonStarted = performance.now();
      const once = await attackOnce({
        model,
        x: inputs.x,
        labels: run.attackLabels,
        targeted: run.targeted,
        sourceLabels: run.sourceLabels,
        attack,
        epsilon,
        bounds: config.bounds,
        batchSize: config.batchSize,
        random: run.random.fork(`epsilon ${e}`),
        keepRaw: config.returnAdversarials,
        signal: options.signal,
        firstBatch: (config.exampleOffset ?? 0) / config.batchSize,
        cleanPredictions: run.cleanPredictions,
      });
      result.success.push(once.success);
      result.successRate.push(once.success.filter(Boolean).length / once.success.length);
      result.adversarialPredictions.push(once.predictions);
      if (run.trueLabels !== null)
        result.robustAccuracy!.push(accuracy(once.predictions, run.trueLabels));
      if (config.returnAdversarials) {
        result.raw.push(once.raw!);
        result.clipped.push(once.clipped);
      } else {
        once.clipped.dispose();
      }
      result.timings.perEpsilonMs.push(performance.now() - epsilonStarted);
      await yieldToEventLoop();
    }
  } catch (error) {
    // A stopped run (Ctrl-C) hands back nothing, so it keeps no tensors either.
    tf.dispose([...result.raw, ...result.clipped]);
    throw error;
  }
  result.timings.totalMs = performance.now() - started;
  return result;
}
