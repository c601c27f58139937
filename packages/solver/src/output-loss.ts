import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyRows, Registry, type Registrable } from '@liftguard/tensor';

/**
 * A target loss ℓ(z_L, t) on logits [B, n_L] against one-hot targets. `curvature` bounds its
 * Hessian, lower·I ⪯ ∇²ℓ ⪯ upper·I; the output update majorizes ℓ with these bounds.
 */
export interface OutputLoss extends Registrable {
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
  label: 'squared error',
  description: '½‖z − t‖²: the output update is exact in one step',
  curvature: { lower: 1, upper: 1 },
  value: (z, t) => tf.tidy(() => tf.mul(tf.sum(tf.squaredDifference(z, t), 1), 0.5) as tf.Tensor1D),
  gradient: (z, t) => tf.sub(z, t),
};

/** Softmax cross-entropy logsumexp(z) − ⟨z, t⟩; its Hessian diag(p) − ppᵀ lies in [0, ½·I]. */
export const crossEntropyLoss: OutputLoss = {
  name: 'cross-entropy',
  label: 'cross-entropy',
  description: 'softmax cross-entropy logsumexp(z) − ⟨z, t⟩ (Hessian in [0, ½·I])',
  curvature: { lower: 0, upper: 0.5 },
  value: (z, t) => crossEntropyRows(z, t),
  gradient: (z, t) => tf.tidy(() => tf.sub(tf.softmax(z), t)),
};

/** Output losses by name; a loss with known curvature bounds can be added with `registerOutputLoss`. */
export const outputLosses = new Registry<OutputLoss>({
  kind: 'output loss',
  initial: [squaredLoss, crossEntropyLoss],
});

/** Adds an output loss the solver can majorize (its curvature bounds must hold). */
export function registerOutputLoss(loss: OutputLoss): void {
  outputLosses.register(loss);
}

/** A key into the output-loss registry: 'squared', 'cross-entropy' or a registered name. */
export type OutputLossName = 'squared' | 'cross-entropy' | (string & {});

export function resolveOutputLoss(loss: OutputLossName | OutputLoss = 'squared'): OutputLoss {
  return typeof loss === 'string' ? outputLosses.get(loss) : loss;
}
