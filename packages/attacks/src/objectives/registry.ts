import type * as tf from '@tensorflow/tfjs-core';
import { Registry } from '@liftguard/tensor';
import { AttackConfigError } from '../errors.js';
import type { AttackObjective } from './attack-objective.js';
import { dlrObjective } from './dlr.js';
import { crossEntropyObjective, marginObjective } from './logit-objectives.js';

/** A key into the objective registry: 'cross-entropy', 'margin', 'dlr' or a registered name. */
export type AttackLossName = 'cross-entropy' | 'margin' | 'dlr' | (string & {});

/** Every objective gradient attacks can ascend, by name. */
export const attackObjectives = new Registry<AttackObjective>({
  kind: 'attack objective',
  error: (message) => new AttackConfigError(message),
  initial: [crossEntropyObjective, marginObjective, dlrObjective],
});

/** Adds an objective from outside the package; every gradient attack can then use it. */
export function registerAttackObjective(objective: AttackObjective): void {
  attackObjectives.register(objective);
}

/**
 * The per-example objective [N] the attack maximizes (caller owns): the registered objective
 * `loss`, untargeted (move away from `labels`) or targeted (move towards `labels`).
 */
export function attackObjective(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  loss: AttackLossName,
  targeted: boolean,
  sourceLabels?: tf.Tensor1D,
): tf.Tensor1D {
  return attackObjectives.get(loss).value({ logits, labels, targeted, sourceLabels });
}
