import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import type { Attack } from './attack.js';
import { attackOnce } from './attack-once.js';
import { yieldToEventLoop } from './yield-to-event-loop.js';
import { AttackConfigError } from './errors.js';
import {
  accuracy,
  emptyResultFields,
  prepareRun,
  type AttackInputs,
  type EpsilonListFields,
  type ResolvedRunConfig,
  type RunOptions,
} from './run-config.js';

/** One attack's part in a worst-case run. */
export interface AttackStage {
  name: string;
  config: Attack['config'];
  /** Per ε: how many examples this attack ran on (the survivors of the earlier ones). */
  attacked: number[];
  /** Per ε: how many of those it broke. */
  broken: number[];
  /** Per ε: robust accuracy after this and all earlier attacks (null without true labels). */
  robustAccuracy: number[] | null;
  /** Per ε: wall-clock milliseconds this attack took. */
  timingsMs: number[];
}

/** Several attacks, pointwise worst case. Tensors (clipped) belong to the caller. */
export interface WorstCaseResult extends EpsilonListFields {
  config: { attacks: Attack['config'][]; run: ResolvedRunConfig };
  epsilons: number[];
  stages: AttackStage[];
  /** Per ε: for each example, the first attack's adversarial that reached the goal, else the last attack's. */
  clipped: tf.Tensor[];
  /** success[e][i]: some attack reached the goal for example i at ε = epsilons[e]. */
  success: boolean[][];
  /** brokenBy[e][i]: index of the attack that broke example i, or -1. */
  brokenBy: number[][];
}

/**
 * Runs `attacks` in order for every ε; each one only on the examples every earlier attack
 * failed on. An example counts as robust only if it survives all of them (AutoAttack's rule).
 */
export async function runAttacks(
  model: Classifier,
  inputs: AttackInputs,
  attacks: readonly Attack[],
  options: RunOptions,
): Promise<WorstCaseResult> {
  if (attacks.length === 0) throw new AttackConfigError('runAttacks needs at least one attack');
  const started = performance.now();
  const run = prepareRun(model, inputs, options);
  const { config } = run;
  const n = config.numExamples;
  const result: WorstCaseResult = {
    config: { attacks: attacks.map((a) => a.config), run: config },
    epsilons: config.epsilons,
    stages: attacks.map((a) => ({
      name: a.name,
      config: a.config,
      attacked: [],
      broken: [],
      robustAccuracy: run.trueLabels === null ? null : [],
      timingsMs: [],
    })),
    clipped: [],
    success: [],
    brokenBy: [],
    ...emptyResultFields(run),
  };

  for (const [e, epsilon] of config.epsilons.entries()) {
    const epsilonStarted = performance.now();
    const brokenBy = new Array<number>(n).fill(-1);
    const predictions = Int32Array.from(run.cleanPredictions);
    let worst = tf.clone(inputs.x);
    const blockOffset = (config.exampleOffset ?? 0) / config.batchSize;
    /**
     * Attacks the survivors block by block (a block is one batch of the original order), each
     * with its own random stream keyed by its place in the whole set, so that a shard of whole
     * blocks gets exactly the results the full run gets for those examples.
     */
    const attackSurvivorsByBlock = async (survivors: number[], held: tf.Tensor, kept: tf.Tensor[], a: number) => {
      const predictionsOut = new Int32Array(survivors.length);
      const successOut: boolean[] = [];
      const parts: tf.Tensor[] = [];
      const blocks = new Map<number, number[]>();
      for (const i of survivors) {
        const block = Math.floor(i / config.batchSize);
        const members = blocks.get(block);
        if (members) members.push(i);
        else blocks.set(block, [i]);
      }
      let k = 0;
      for (const [block, members] of blocks) {
        const pick = (values: Int32Array) => Int32Array.from(members, (i) => values[i]!);
        const subset = tf.tidy(() => tf.gather(inputs.x, tf.tensor1d(members, 'int32')));
        try {
          const part = await attackOnce({
            model,
            x: subset,
            labels: pick(run.attackLabels),
            targeted: run.targeted,
            sourceLabels: run.sourceLabels === undefined ? undefined : pick(run.sourceLabels),
            attack: attacks[a]!,
            epsilon,
            bounds: config.bounds,
            batchSize: config.batchSize,
            random: run.random.fork(`epsilon ${e} attack ${a} block ${blockOffset + block}`),
            signal: options.signal,
            cleanPredictions: pick(run.cleanPredictions),
          });
          predictionsOut.set(part.predictions, k);
          successOut.push(...part.success);
          parts.push(part.clipped);
          k += members.length;
        } catch (error) {
          tf.dispose([subset, held, ...kept, ...parts]);
          throw error;
        } finally {
          if (!subset.isDisposed) subset.dispose();
        }
      }
      const clipped = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      if (parts.length > 1) tf.dispose(parts);
      return { predictions: predictionsOut, success: successOut, clipped };
    };
    for (const [a] of attacks.entries()) {
      const stageStarted = performance.now();
      const stage = result.stages[a]!;
      const survivors = brokenBy.flatMap((b, i) => (b === -1 ? [i] : []));
      stage.attacked.push(survivors.length);
      if (survivors.length > 0) {
        const once = await attackSurvivorsByBlock(survivors, worst, result.clipped, a);
        let broken = 0;
        survivors.forEach((i, k) => {
          predictions[i] = once.predictions[k]!;
          if (once.success[k]) {
            brokenBy[i] = a;
            broken++;
          }
        });
        stage.broken.push(broken);
        // Survivors take this attack's attempt; examples broken earlier keep theirs.
        const position = new Int32Array(n).map((_, i) => i);
        survivors.forEach((i, k) => (position[i] = n + k));
        const previous = worst;
        worst = tf.tidy(() =>
          tf.gather(tf.concat([previous, once.clipped], 0), tf.tensor1d(position, 'int32')),
        );
        tf.dispose([previous, once.clipped]);
      } else {
        stage.broken.push(0);
      }
      if (run.trueLabels !== null)
        stage.robustAccuracy!.push(accuracy(predictions, run.trueLabels));
      stage.timingsMs.push(performance.now() - stageStarted);
      await yieldToEventLoop();
    }
    const success = brokenBy.map((b) => b !== -1);
    result.success.push(success);
    result.brokenBy.push(brokenBy);
    result.successRate.push(success.filter(Boolean).length / n);
    result.adversarialPredictions.push(predictions);
    if (run.trueLabels !== null) result.robustAccuracy!.push(accuracy(predictions, run.trueLabels));
    if (config.returnAdversarials) result.clipped.push(worst);
    else worst.dispose();
    result.timings.perEpsilonMs.push(performance.now() - epsilonStarted);
  }
  result.timings.totalMs = performance.now() - started;
  return result;
}
