import * as tf from '@tensorflow/tfjs-core';
import { resolveLayerWeights, weightedDistance } from '@liftguard/potentials';
import { solveDistanceRelaxed } from './distance-relaxed-state.js';
import { LossSettingsError, nonNegative, positiveInteger } from './hyperparameters.js';
import { checkOutputStability, liftedLoss } from './lifted-losses.js';
import { resolveLiftedSettings, type LiftedLossOptions } from './lifted-settings.js';
import { readScalar } from './lifted-states.js';
import type { LossDefinition } from './loss.js';
import { distanceOptionSchemas, liftedOptionSchemas, optionNames, withDefaults } from './option-schemas.js';

export interface DistanceRelaxedOptions extends LiftedLossOptions {
  /**
   * ρ ≥ 0, one number or one per layer: d(z', z) = Σ_k (ρ_kγ_k/2)‖z'_k − z_k‖² over z_1..z_L
   * (default 1, LIFTED.md's d_γ; ρ_k = 0 leaves layer k of the envelope free; all 0 is AROVR).
   */
  distance?: number | readonly number[];
  /** Rounds of each envelope solve, warm-started from the previous one (default 5). */
  envelopeRounds?: number;
  /** Adversarial sweeps per outer round, with the envelope linearized (default 3); `rounds` counts outer rounds. */
  adversarialRounds?: number;
}

const name = 'arovr-d';

function distanceWeights(value: unknown): number | number[] {
  if (typeof value === 'number') return nonNegative(name, 'distance', value);
  if (Array.isArray(value) && value.length > 0) return value.map((r, i) => nonNegative(name, `distance[${i}]`, r));
  throw new LossSettingsError(name, `distance must be a number ≥ 0 or a list (one per layer), got ${JSON.stringify(value)}`);
}

/**
 * L^d = max_z ℓ_y(z) − (U^γ(z) − min_{z'}[U^γ(z') + d(z', z)])/β ≥ L_AROVR (LIFTED.md §3.4);
 * value ℓ_y(ẑ) − (U(ẑ) − U(z̃) − d(z̃, ẑ))/β, ∇θ = (∇θU(z̃) − ∇θU(ẑ))/β.
 */
export const arovrDistance: LossDefinition<DistanceRelaxedOptions> = {
  name,
  label: 'AROVR^d',
  options: [...withDefaults(liftedOptionSchemas, { beta: 0.25 }), ...distanceOptionSchemas],
  description: "distance-relaxed AROVR^d: min U replaced by the envelope min_{z'} U(z') + d_γ(z', z); an upper bound on AROVR (default β = 0.25)",
  create(options) {
    const s = resolveLiftedSettings(name, options, optionNames(distanceOptionSchemas), { beta: 0.25 });
    const distance = distanceWeights(options.distance ?? 1);
    const envelopeRounds = positiveInteger(name, 'envelopeRounds', options.envelopeRounds ?? 5);
    const adversarialRounds = positiveInteger(name, 'adversarialRounds', options.adversarialRounds ?? 3);
    const outputDistance = typeof distance === 'number' ? distance : distance[distance.length - 1]!;
    // The envelope halves (ρ = 1) the output block's curvature: sup_z is finite only if γ_L > (1 + ρ_L)β.
    checkOutputStability(name, s.gamma, 0, (1 + outputDistance) * s.beta, `AROVR^d needs γ_L > (1 + ρ_L)β = ${(1 + outputDistance) * s.beta}`);
    return liftedLoss(name, s, { distance, envelopeRounds, adversarialRounds }, (lifted) => {
      const L = lifted.network.layers.length;
      const rho = typeof distance === 'number' ? new Array<number>(L).fill(distance) : distance;
      if (rho.length !== L) throw new LossSettingsError(name, `distance needs ${L} values (one per layer), got ${rho.length}`);
      const gamma = resolveLayerWeights(lifted.network, lifted.gamma);
      const { adversarial, envelope, rounds, finalChange } = solveDistanceRelaxed(lifted, rho, { rounds: s.rounds, envelopeRounds, adversarialRounds, tolerance: s.tolerance });
      const weights = gamma.map((g, k) => g * rho[k]!);
      const envelopeValue = readScalar(tf.tidy(() => tf.add(lifted.potentialValue(envelope), tf.mean(weightedDistance(envelope, adversarial, weights))) as tf.Scalar));
      const value = readScalar(tf.tidy(() =>
        tf.sub(lifted.outputLoss(adversarial, lifted.batch.oneHot), tf.div(tf.sub(lifted.potentialValue(adversarial), envelopeValue), s.beta)) as tf.Scalar));
      return {
        value,
        terms: [{ state: envelope, weight: 1 / s.beta }, { state: adversarial, weight: -1 / s.beta }],
        surrogate: () => tf.div(tf.sub(lifted.potential(envelope), lifted.potential(adversarial)), s.beta) as tf.Scalar,
        // The outer loop's last step, not the largest final step of any inner solve.
        diagnostics: { envelopeValue, distanceRounds: rounds, solverFinalMaxChange: finalChange },
      };
    });
  },
};
