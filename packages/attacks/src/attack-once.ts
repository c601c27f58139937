import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';
import { attackNorm, type Attack } from './attack.js';
import { clipToBounds, type Bounds } from './bounds.js';
import { AttackAbortedError } from './errors.js';
import { EventLoopPause } from './yield-to-event-loop.js';

/** One attack at one ε on a set of examples: what `attackOnce` needs. */
export interface AttackOnceOptions {
  model: Classifier;
  x: tf.Tensor;
  /** The labels to move away from (untargeted) or towards (targeted), one per example. */
  labels: Int32Array;
  targeted: boolean;
  /** Targeted runs: the class each example starts from, for objectives that use it. */
  sourceLabels?: Int32Array | undefined;
  attack: Attack;
  epsilon: number;
  bounds: Bounds;
  batchSize: number;
  random: Random;
  /** Keep the attack's raw output in the result (default false). */
  keepRaw?: boolean;
  /** Checked before every batch; an aborted run stops with an AttackAbortedError. */
  signal?: AbortSignal | undefined;
  /** Index of the first batch in the whole set (shards), for the batches' random streams (default 0). */
  firstBatch?: number;
  /** The model's predictions on x, one per example, handed to the attack batch by batch. */
  cleanPredictions?: Int32Array | undefined;
}

/** One attack at one ε on a set of examples, in batches. */
export interface AttackOnceResult {
  /** What the attack returned (caller owns), or null when not kept. */
  raw: tf.Tensor | null;
  /** Raw projected onto the ε-ball and the bounds: what success is judged on (caller owns). */
  clipped: tf.Tensor;
  /** Predictions on the clipped inputs. */
  predictions: Int32Array;
  /** Whether the goal was reached on the clipped inputs. */
  success: boolean[];
}

/**
 * The bookkeeping every attack shares: run it per batch, clip its output to the threat
 * model, re-predict, and judge success (untargeted: prediction ≠ label; targeted: = target).
 */
export async function attackOnce(options: AttackOnceOptions): Promise<AttackOnceResult> {
  const { model, x, labels, targeted, sourceLabels, attack, epsilon, bounds, batchSize, random } = options;
  const keepRaw = options.keepRaw ?? false;
  const n = x.shape[0]!;
  const norm = attackNorm(attack);
  const raws: tf.Tensor[] = [];
  const clippeds: tf.Tensor[] = [];
  const predictions = new Int32Array(n);
  const pause = new EventLoopPause();
  for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
    // Lets Ctrl-C (and other timers) through between batches, then honours it.
    await pause.maybe();
    if (options.signal?.aborted) {
      tf.dispose([...raws, ...clippeds]);
      throw new AttackAbortedError();
    }
    const size = Math.min(batchSize, n - start);
    const xBatch = tf.slice(x, start, size);
    const labelBatch = tf.tensor1d(labels.subarray(start, start + size), 'int32');
    const sourceBatch =
      sourceLabels === undefined ? undefined : tf.tensor1d(sourceLabels.subarray(start, start + size), 'int32');
    const problem = {
      model,
      x: xBatch,
      labels: labelBatch,
      targeted,
      ...(sourceBatch === undefined ? {} : { sourceLabels: sourceBatch }),
      bounds,
      epsilon,
      random: random.fork(`batch ${(options.firstBatch ?? 0) + batch}`),
      cleanPredictions: options.cleanPredictions?.subarray(start, start + size),
    };
    let returned: tf.Tensor;
    try {
      returned = attack.perturbInSteps === undefined ? attack.perturb(problem) : await stepwise(attack.perturbInSteps(problem), pause, options.signal);
    } catch (error) {
      tf.dispose([xBatch, labelBatch, ...(sourceBatch === undefined ? [] : [sourceBatch]), ...raws, ...clippeds]);
      throw error;
    }
    // An attack that hands back its input unchanged must not have it disposed under the caller.
    const raw = returned === xBatch ? tf.clone(returned) : returned;
    const [clipped, predicted] = tf.tidy(() => {
      const inBall = clipToBounds(
        tf.add(xBatch, norm.project(tf.sub(raw, xBatch), epsilon)),
        bounds,
      );
      return [inBall, tf.argMax(model.predict(inBall), 1)];
    });
    predictions.set(predicted.dataSync(), start);
    tf.dispose([xBatch, labelBatch, predicted]);
    if (sourceBatch !== undefined) sourceBatch.dispose();
    clippeds.push(clipped);
    if (keepRaw) raws.push(raw);
    else raw.dispose();
  }
  const join = (parts: tf.Tensor[]) => {
    if (parts.length === 1) return parts[0]!;
    const joined = tf.concat(parts, 0);
    tf.dispose(parts);
    return joined;
  };
  const success = Array.from(predictions, (p, i) => (targeted ? p === labels[i] : p !== labels[i]));
  return { raw: keepRaw ? join(raws) : null, clipped: join(clippeds), predictions, success };
}

/** Runs a stepwise attack, letting the event loop in between steps and stopping when the signal aborts. */
async function stepwise(steps: Generator<void, tf.Tensor, void>, pause: EventLoopPause, signal: AbortSignal | undefined): Promise<tf.Tensor> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause.maybe();
    if (signal?.aborted) {
      steps.return(undefined as never);
      throw new AttackAbortedError();
    }
  }
}
