import type * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Random } from '@liftguard/tensor';
import type { Bounds } from './bounds.js';
import type { NormName, NormStrategy } from './norms/norm-strategy.js';
import { normStrategy } from './norms/registry.js';

/** What an attack gets for one batch and one ε; tensors belong to the caller. */
export interface AttackProblem {
  model: Classifier;
  /** Clean inputs [N, ...inputShape]. */
  x: tf.Tensor;
  /** int32 [N]: the labels to move away from (untargeted) or towards (targeted). */
  labels: tf.Tensor1D;
  targeted: boolean;
  /** int32 [N], targeted runs: the true labels (or clean predictions without labels). */
  sourceLabels?: tf.Tensor1D | undefined;
  bounds: Bounds;
  epsilon: number;
  random: Random;
  /**
   * The model's predictions on x when the runner has them (its clean pass): attacks that need
   * them may skip their own forward pass. Absent when the caller did not compute them.
   */
  cleanPredictions?: Int32Array | undefined;
}

/**
 * A fixed-ε attack: `perturb` returns its raw adversarial inputs (caller owns). The ε list,
 * clipping, success bookkeeping, worst case over attacks and timing are done once for every
 * attack by `runAttack` / `runAttacks`, so a new attack only implements this.
 */
export interface Attack {
  readonly name: string;
  /**
   * The threat model's norm: clipped outputs are projected onto this ε-ball. The built-in
   * attacks carry the strategy object; a hand-written attack may give a registered name.
   */
  readonly norm: NormStrategy | NormName;
  /** Every setting with defaults filled in, echoed in results. */
  readonly config: Readonly<{ attack: string; norm: NormName } & Record<string, unknown>>;
  /** Raw adversarial inputs shaped like `problem.x`; a new tensor the caller owns. */
  perturb(problem: AttackProblem): tf.Tensor;
  /**
   * Optional: the same work as `perturb`, pausing after each step (yield) so a runner can let
   * the event loop in and stop between steps; returning early disposes what it holds.
   */
  perturbInSteps?(problem: AttackProblem): Generator<void, tf.Tensor, void>;
}

/** The norm strategy of an attack, looking a name up in the norm registry. */
export function attackNorm(attack: Pick<Attack, 'norm'>): NormStrategy {
  return typeof attack.norm === 'string' ? normStrategy(attack.norm) : attack.norm;
}
