// Where an AROVR batch's time goes in LiftGuard: the solve vs the θ-gradient, and the closed-form alternative.
import * as tf from '@tensorflow/tfjs-core';
import { createLoss, liftedNetworkOf } from '@liftguard/losses';
import { mlp } from '@liftguard/models';
import { forwardPass, parameterGradients, reweightedPotential } from '@liftguard/potentials';
import { solveActivities, SpectralEstimates } from '@liftguard/solver';
import { Random } from '@liftguard/tensor';
import { medianMs } from '../timing.js';

export interface BatchBreakdown {
  batchSize: number;
  widths: number[];
  rounds: number;
  /** Median milliseconds per batch. */
  ms: {
    bpCompute: number;
    arovrCompute: number;
    forwardPass: number;
    adversarialSolve: number;
    adversarialSolveChangesTrace: number;
    /** tf.variableGrads of (U(z*) − U(ẑ))/β, what the library's AROVR runs. */
    tapeSurrogateGradient: number;
    /** tf.variableGrads of −U(ẑ)/β alone: ∇U(z*) = 0 exactly for Fenchel-Young (z* is the forward pass). */
    tapeAdversarialOnly: number;
    /** parameterGradients of @liftguard/potentials at ẑ: the same gradient in closed form, no tape. */
    closedFormGradient: number;
  };
  /** max |closed form − library| / max |library| over the variables (the two must agree). */
  closedFormRelativeDifference: number;
}

export async function batchBreakdown({ batchSize = 50, widths = [784, 128, 128, 10], rounds = 5, beta = 0.5 } = {}): Promise<BatchBreakdown> {
  const model = mlp(widths, { seed: 1 });
  const random = new Random(5);
  const x = random.uniformTensor([batchSize, widths[0]!]) as tf.Tensor2D;
  const labels = Int32Array.from({ length: batchSize }, (_, i) => i % widths[widths.length - 1]!);
  const oneHot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), widths[widths.length - 1]!), 'float32') as tf.Tensor2D);
  const batch = { x, oneHot, labels };
  const network = liftedNetworkOf(model);
  const variables = [...model.trainableVariables];
  const arovr = createLoss('arovr', { beta, rounds });
  const bp = createLoss('bp-squared', {});
  const spectral = new SpectralEstimates(0);
  const solve = (trace: 'objective' | 'changes') =>
    solveActivities(network, x, { state: 'adversarial', labels: oneHot, beta, rounds, spectral, trace }).activities;
  const free = forwardPass(network, x);
  const adversarial = solve('objective');
  const tapeGradient = (withFree: boolean) => {
    const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
      const adv = tf.mean(reweightedPotential(network, x, adversarial));
      return tf.div(withFree ? tf.sub(tf.mean(reweightedPotential(network, x, free)), adv) : tf.neg(adv), beta) as tf.Scalar;
    }), variables);
    tf.dispose([value, ...Object.values(grads)]);
  };
  // Σ_batch ∇U(ẑ) per layer, scaled to the batch mean of −U(ẑ)/β.
  const closedForm = () =>
    parameterGradients(network, x, adversarial).flatMap((g) => {
      const scaled = Object.values(g).map((t) => tf.mul(t, -1 / (beta * batchSize)));
      tf.dispose(Object.values(g));
      return scaled;
    });
  try {
    const reference = arovr.compute(model, batch).grads;
    const mine = closedForm();
    const closedFormRelativeDifference = Math.max(
      ...variables.map((v, i) => tf.tidy(() => tf.max(tf.abs(tf.sub(mine[i]!, reference[v.name]!))).dataSync()[0]! / tf.max(tf.abs(reference[v.name]!)).dataSync()[0]!)),
    );
    tf.dispose([...mine, ...Object.values(reference)]);
    const ms = {
      bpCompute: await medianMs(() => tf.dispose(Object.values(bp.compute(model, batch).grads)), 31, 3),
      arovrCompute: await medianMs(() => tf.dispose(Object.values(arovr.compute(model, batch).grads)), 31, 3),
      forwardPass: await medianMs(() => tf.dispose(forwardPass(network, x)), 31, 3),
      adversarialSolve: await medianMs(() => tf.dispose(solve('objective')), 31, 3),
      adversarialSolveChangesTrace: await medianMs(() => tf.dispose(solve('changes')), 31, 3),
      tapeSurrogateGradient: await medianMs(() => tapeGradient(true), 31, 3),
      tapeAdversarialOnly: await medianMs(() => tapeGradient(false), 31, 3),
      closedFormGradient: await medianMs(() => tf.dispose(closedForm()), 31, 3),
    };
    return { batchSize, widths, rounds, ms, closedFormRelativeDifference };
  } finally {
    tf.dispose([x, oneHot, ...free, ...adversarial]);
    spectral.dispose();
    arovr.dispose?.();
    bp.dispose?.();
    model.dispose();
  }
}
