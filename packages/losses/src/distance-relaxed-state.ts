import * as tf from '@tensorflow/tfjs-core';
import { augmentNetwork } from '@liftguard/potentials';
import { solveEnvelope } from './envelope-state.js';
import type { LiftedBatch } from './lifted-states.js';

export interface DistanceRelaxedStates {
  /** ẑ, the adversarial state of AROVR^d (owned by the lifted batch). */
  adversarial: tf.Tensor2D[];
  /** z̃, the envelope state at ẑ (owned by the lifted batch). */
  envelope: tf.Tensor2D[];
  /** Outer rounds run. */
  rounds: number;
  /** max |Δz| of the last adversarial sweep (the outer loop's convergence measure). */
  finalChange: number;
}

/**
 * ẑ = argmax_z ℓ_y(z) − (U^γ(z) − env(z))/β, env(z) = min_{z'} U^γ(z') + d_{ργ}(z', z) (LIFTED.md §3.4),
 * i.e. a stationary point of F = U^γ − βℓ_y − env, from the free state. Each round: z̃ ← the
 * envelope state at z (`envelopeRounds`, warm-started), then `adversarialRounds` adversarial sweeps on
 * U^γ − βℓ_y − ⟨∇env(z), ·⟩ with ∇_{z_k} env = ρ_kγ_k(z_k − z̃_k) — a difference-of-convex step (F
 * never increases when env is convex and z̃ exact; a heuristic otherwise). Stops after `rounds` or once the last
 * sweep's max |Δz| ≤ `tolerance`, then solves z̃ at the final ẑ so value and gradient use a matched pair.
 */
export function solveDistanceRelaxed(
  lifted: LiftedBatch,
  rho: readonly number[],
  { rounds, envelopeRounds, adversarialRounds, tolerance }: { rounds: number; envelopeRounds: number; adversarialRounds: number; tolerance: number | null },
): DistanceRelaxedStates {
  // With every E_k ≥ 0 and zero at the free state (Fenchel-Young), z̃ = z* at z = z*: a good first guess.
  let z: tf.Tensor2D[] = lifted.free;
  let envelope: tf.Tensor2D[] = lifted.free;
  const release = (states: tf.Tensor2D[]) => {
    if (states !== lifted.free) tf.dispose(states);
  };
  let run = 0;
  let change = 0;
  try {
    for (let round = 1; round <= rounds; round++) {
      const nextEnvelope = solveEnvelope(lifted, z, rho, envelope, envelopeRounds, 'changes');
      release(envelope);
      envelope = nextEnvelope;
      const tilts = rho.map((r, k) => (r === 0 ? undefined : tf.tidy(() => tf.mul(tf.sub(z[k]!, envelope[k]!), -r) as tf.Tensor2D)));
      let next: tf.Tensor2D[];
      try {
        const tilted = augmentNetwork(lifted.network, tilts.map((linear) => (linear === undefined ? undefined : { linear })));
        next = lifted.solveTransient({ state: 'adversarial', initial: z, rounds: adversarialRounds, trace: 'changes' }, tilted);
      } finally {
        tf.dispose(tilts.filter((t) => t !== undefined));
      }
      const trace = lifted.traces[lifted.traces.length - 1]!;
      change = Math.max(...trace.rounds[trace.rounds.length - 1]!.maxChange);
      release(z);
      z = next;
      run = round;
      if (tolerance !== null && change <= tolerance) break;
    }
    const finalEnvelope = solveEnvelope(lifted, z, rho, envelope, envelopeRounds);
    release(envelope);
    envelope = finalEnvelope;
  } catch (error) {
    release(z);
    if (envelope !== z) release(envelope);
    throw error;
  }
  for (const t of [...z, ...envelope]) if (!lifted.free.includes(t)) lifted.own(t);
  return { adversarial: z, envelope, rounds: run, finalChange: change };
}
