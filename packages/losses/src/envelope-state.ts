import type * as tf from '@tensorflow/tfjs-core';
import { augmentNetwork, type LiftedNetwork } from '@liftguard/potentials';
import type { LiftedBatch } from './lifted-states.js';

/**
 * The network whose U^γ is the AROVR^d envelope objective at `anchor` (LIFTED.md §3.4):
 * Σ_k γ_k [E_k(z'_k, a'_k) + (ρ_k/2)‖z'_k − anchor_k‖²] = U^γ(z') + d_{ργ}(z', anchor), over
 * the activities z'_1..z'_L (z'_0 = x is fixed; ρ_k = 0 leaves layer k untethered).
 */
export function envelopeNetwork(network: LiftedNetwork, anchor: readonly tf.Tensor2D[], rho: readonly number[]): LiftedNetwork {
  return augmentNetwork(
    network,
    rho.map((r, i) => (r === 0 ? undefined : { proximal: r, center: anchor[i]! })),
  );
}

/**
 * The envelope (proximal) state z̃ = argmin_{z'} U^γ(z') + Σ_k (ρ_kγ_k/2)‖z'_k − anchor_k‖²: the
 * solver's free state of `envelopeNetwork`, from `initial`, `rounds` rounds (or the loss's
 * tolerance). The objective is ≥ 0, so the solve is always bounded; the caller disposes the result.
 */
export function solveEnvelope(
  lifted: LiftedBatch,
  anchor: readonly tf.Tensor2D[],
  rho: readonly number[],
  initial: readonly tf.Tensor2D[],
  rounds: number,
  trace: 'objective' | 'changes' = lifted.settings.solverTrace,
): tf.Tensor2D[] {
  return lifted.solveTransient({ state: 'free', initial, rounds, trace }, envelopeNetwork(lifted.network, anchor, rho));
}
