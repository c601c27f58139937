import type * as tf from '@tensorflow/tfjs-core';
import type { Registrable } from '@liftguard/tensor';

/** What an objective sees for one batch; it reads these tensors and never disposes them. */
export interface ObjectiveInput {
  /** Logits [N, classes]. */
  logits: tf.Tensor2D;
  /** int32 [N]: the class to move away from (untargeted) or towards (targeted). */
  labels: tf.Tensor1D;
  targeted: boolean;
  /**
   * int32 [N], targeted runs only: the class the example starts from (its true label, or the
   * clean prediction without labels). Absent when unknown; objectives that need it say so.
   */
  sourceLabels?: tf.Tensor1D | undefined;
}

/**
 * What a gradient attack ascends, per example: larger is closer to the goal. One object per
 * objective, untargeted and targeted form together, registered by name
 * (`registerAttackObjective`) and chosen with the attack option `loss`.
 */
export interface AttackObjective extends Registrable {
  /** Per-example values [N] (caller owns); differentiable in the logits. */
  value(input: ObjectiveInput): tf.Tensor1D;
}
