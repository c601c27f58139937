// AROVR gradients of @liftguard/losses vs an independent PyTorch implementation (losses.py, gradient mode).
import * as tf from '@tensorflow/tfjs-core';
import { createLoss } from '@liftguard/losses';
import { mlp } from '@liftguard/models';
import { Random } from '@liftguard/tensor';
import { runPython } from '../pytorch.js';

export interface AgreementResult {
  widths: number[];
  batch: number;
  beta: number;
  rounds: number;
  tolerance: number;
  /** Our value and the float64 reference's. */
  value: number;
  referenceValue: number;
  referenceIterations: number;
  referenceFinalChange: number;
  /** Per variable: max |ours − reference| / max |reference|. */
  perVariable: { name: string; relativeDifference: number }[];
  maxRelativeDifference: number;
  solverRounds: number;
  /** value − ℓ_y(z*): how far the adversary moved the loss (0 would make the check vacuous). */
  gap: number;
  torch: string;
}

/** Fixed tiny net, seeded weights (scaled to keep the inner problem bounded), one batch. */
export function agreementCheck(script: string, { widths = [6, 5, 4, 3], batch = 7, beta = 0.3, rounds = 300, tolerance = 1e-7, seed = 11 } = {}): AgreementResult {
  const random = new Random(seed);
  const model = mlp(widths, { seed });
  // 0.7/√fan_in weights and small biases: β·λmax(Σ P_k P_kᵀ) < 1, so the adversarial state exists.
  model.trainableVariables.forEach((v, i) => {
    const fanIn = v.shape.length === 2 ? v.shape[0]! : 1;
    const scale = v.shape.length === 2 ? 0.7 / Math.sqrt(fanIn) : 0.1;
    tf.tidy(() => v.assign(tf.mul(random.fork(`variable ${i}`).normalTensor(v.shape), scale)));
  });
  const inputs = random.fork('inputs');
  const x = tf.tidy(() => inputs.uniformTensor([batch, widths[0]!]));
  const labels = Int32Array.from({ length: batch }, (_, i) => (i * 2 + 1) % widths[widths.length - 1]!);
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), widths[widths.length - 1]!), 'float32') as tf.Tensor2D);
  const loss = createLoss('arovr', { beta, rounds, tolerance });
  try {
    const { value, grads, diagnostics } = loss.compute(model, { x, oneHot, labels });
    const variables = model.trainableVariables;
    const kernels = variables.filter((_, i) => i % 2 === 0).map((v) => v.arraySync() as number[][]);
    const biases = variables.filter((_, i) => i % 2 === 1).map((v) => v.arraySync() as number[]);
    const reference = runPython<{ value: number; iterations: number; finalChange: number; grads: number[][]; torch: string }>(script, {
      mode: 'gradient',
      kernels,
      biases,
      x: x.arraySync(),
      labels: Array.from(labels),
      beta,
      gamma: widths.slice(1).map(() => 1),
      threads: 1,
    });
    // The reference returns [∇W_0..∇W_{L−1}, ∇b_0..∇b_{L−1}]; our variables alternate kernel, bias.
    const layers = widths.length - 1;
    const perVariable = variables.map((v, i) => {
      const ref = reference.grads[i % 2 === 0 ? i / 2 : layers + (i - 1) / 2]!;
      const ours = grads[v.name]!.dataSync();
      const scale = Math.max(...ref.map(Math.abs));
      const diff = Math.max(...ref.map((r, j) => Math.abs(r - ours[j]!)));
      return { name: `${i % 2 === 0 ? 'W' : 'b'}${Math.floor(i / 2)}`, relativeDifference: diff / scale };
    });
    tf.dispose(Object.values(grads));
    return {
      widths,
      batch,
      beta,
      rounds,
      tolerance,
      value,
      referenceValue: reference.value,
      referenceIterations: reference.iterations,
      referenceFinalChange: reference.finalChange,
      perVariable,
      maxRelativeDifference: Math.max(...perVariable.map((p) => p.relativeDifference)),
      solverRounds: diagnostics.solverRounds ?? NaN,
      gap: diagnostics.gap ?? NaN,
      torch: reference.torch,
    };
  } finally {
    loss.dispose?.();
    tf.dispose([x, oneHot]);
    model.dispose();
  }
}
