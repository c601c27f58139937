import * as tf from '@tensorflow/tfjs-core';
import type { LiftedNetwork } from '@liftguard/potentials';
import type { OutputLoss } from './output-loss.js';
import type { StateCoefficients } from './state-coefficients.js';

/** Everything a block update reads: activities z (z[0] = x) and pre-activations a (a[k] = map_k(z[k−1])). */
export interface SweepState {
  network: LiftedNetwork;
  gamma: readonly number[];
  activities: tf.Tensor2D[];
  preActivations: tf.Tensor2D[];
  /** adjoints[k] applies map_kᵀ (k = 2..L), frozen for the solve when the map offers it. */
  adjoints: ((output: tf.Tensor2D) => tf.Tensor2D)[];
}

/**
 * Hidden layer k (1 ≤ k < L): minimize γ_k E_k(z_k, a_k) plus the majorizer of γ_{k+1} E_{k+1}
 * around the current z̄_k, ⟨g, z − z̄⟩ + (M/2)‖z − z̄‖², g = map_{k+1}ᵀ ∂E_{k+1}/∂a_{k+1}.
 */
export function hiddenUpdate(state: SweepState, k: number, proximalWeight: number): tf.Tensor2D {
  const { network, gamma, activities: z, preActivations: a, adjoints } = state;
  const layer = network.layers[k - 1]!;
  const above = network.layers[k]!;
  const weightAbove = gamma[k]!;
  return tf.tidy(() => {
    const upstream = above.potential.preActivationGradient(z[k + 1]!, a[k + 1]!);
    const gradient = adjoints[k + 1]!(upstream);
    return layer.potential.minimizeActivity({
      preActivation: a[k]!,
      weight: gamma[k - 1]!,
      linear: weightAbove === 1 ? gradient : (tf.mul(gradient, weightAbove) as tf.Tensor2D),
      proximal: weightAbove * proximalWeight,
      center: z[k]!,
    });
  });
}

/** Targets of the output terms: t for c⁺ and y for c⁻ (one-hot rows). */
export interface OutputTargets {
  plus?: tf.Tensor2D;
  minus?: tf.Tensor2D;
}

/**
 * For a quadratic loss (curvature bounds equal, κ) the output terms c⁺ℓ(z, t) − c⁻ℓ(z, y) are
 * ⟨l₀, z⟩ + ((c⁺ − c⁻)κ/2)‖z‖² + const with l₀ = c⁺∇ℓ(0, t) − c⁻∇ℓ(0, y): computed once per
 * solve, so each output update is one closed-form step. Undefined for other losses.
 */
export function quadraticOutputTerms(
  coefficients: StateCoefficients,
  targets: OutputTargets,
  loss: OutputLoss,
  shape: [number, number],
): tf.Tensor2D | undefined {
  const { plus, minus } = coefficients;
  if (loss.curvature.lower !== loss.curvature.upper || (plus === 0 && minus === 0)) return undefined;
  return tf.tidy(() => {
    const origin = tf.zeros(shape) as tf.Tensor2D;
    let linear: tf.Tensor2D = tf.zeros(shape);
    if (plus !== 0) linear = tf.add(linear, tf.mul(loss.gradient(origin, targets.plus!), plus));
    if (minus !== 0) linear = tf.sub(linear, tf.mul(loss.gradient(origin, targets.minus!), minus));
    return linear;
  });
}

/**
 * Output layer L: minimize γ_L E_L + c⁺ℓ(z, t) − c⁻ℓ(z, y). Quadratic losses: exactly, from
 * `quadraticTerms`; others: `iterations` majorization–minimization steps with ℓ's curvature
 * bounds (each step never increases Ψ).
 */
export function outputUpdate(
  state: SweepState,
  coefficients: StateCoefficients,
  targets: OutputTargets,
  loss: OutputLoss,
  iterations: number,
  quadraticTerms: tf.Tensor2D | undefined,
): tf.Tensor2D {
  const { network, gamma, activities: z, preActivations: a } = state;
  const L = network.layers.length;
  const potential = network.layers[L - 1]!.potential;
  const { plus, minus } = coefficients;
  const weight = gamma[L - 1]!;
  if (plus === 0 && minus === 0) return potential.minimizeActivity({ preActivation: a[L]!, weight });
  const proximal = plus * loss.curvature.upper - minus * loss.curvature.lower;
  if (quadraticTerms !== undefined) return potential.minimizeActivity({ preActivation: a[L]!, weight, linear: quadraticTerms, proximal });
  return tf.tidy(() => {
    let current = z[L]!;
    for (let i = 0; i < iterations; i++) {
      let linear: tf.Tensor2D = tf.zerosLike(current);
      if (plus !== 0) linear = tf.add(linear, tf.mul(loss.gradient(current, targets.plus!), plus));
      if (minus !== 0) linear = tf.sub(linear, tf.mul(loss.gradient(current, targets.minus!), minus));
      current = potential.minimizeActivity({ preActivation: a[L]!, weight, linear, proximal, center: current });
    }
    return current;
  });
}
