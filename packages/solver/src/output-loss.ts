import * as tf from '@tensorflow/tfjs-core';

/**
 * A target loss ℓ(z_L, t) on logits [B, n_L] against one-hot targets. `curvature` bounds its
 * Hessian, lower·I ⪯ ∇²ℓ ⪯ upper·I; the output update majorizes ℓ with these bounds.
 */
export interface OutputLoss {
  readonly name: string;
  readonly curvature: { lower: number; upper: number };
  /** ℓ per example, [B]. */
  value(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor1D;
  /** ∂ℓ/∂z_L, [B, n_L]. */
  gradient(logits: tf.Tensor2D, target: tf.Tensor2D): tf.Tensor2D;
}

/** ½‖z − t‖² (the authors' MLP loss; the output update is then exact in one step). */
export const squaredLoss: OutputLoss = {
  name: 'squared',
  curvature: { lower: 1, upper: 1 },
  value: (z, t) => tf.tidy(() => tf.mul(tf.sum(tf.squaredDifference(z, t), 1), 0.5) as tf.Tensor1D),
  gradient: (z, t) => tf.sub(z, t),
};

/** Softmax cross-entropy logsumexp(z) − ⟨z, t⟩; its Hessian diag(p) − ppᵀ lies in [0, ½·I]. */
export const crossEntropyLoss: OutputLoss = {
  name: 'cross-entropy',
  curvature: { lower: 0, upper: 0.5 },
  value: (z, t) => tf.tidy(() => tf.sub(tf.logSumExp(z, 1), tf.sum(tf.mul(z, t), 1)) as tf.Tensor1D),
  gradient: (z, t) => tf.tidy(() => tf.sub(tf.softmax(z), t)),
};

export type OutputLossName = 'squared' | 'cross-entropy';

export function resolveOutputLoss(loss: OutputLossName | OutputLoss = 'squared'): OutputLoss {
  if (typeof loss !== 'string') return loss;
  if (loss === 'squared') return squaredLoss;
  if (loss === 'cross-entropy') return crossEntropyLoss;
  throw new Error(`unknown output loss '${String(loss)}'; use 'squared', 'cross-entropy' or an OutputLoss`);
}
