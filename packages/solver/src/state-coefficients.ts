import { UnstableSettingsError } from './errors.js';

/** The states of LIFTED.md §2. */
export type StateKind = 'free' | 'nudged' | 'adversarial' | 'targeted' | 'targeted-adversarial';

export const stateKinds: readonly StateKind[] = ['free', 'nudged', 'adversarial', 'targeted', 'targeted-adversarial'];

/**
 * Ψ(z) = U^γ(z) + plus·ℓ(z_L, target) − minus·ℓ(z_L, y). `target` is y for the nudged state
 * and a wrong class for the targeted ones.
 */
export interface StateCoefficients {
  plus: number;
  minus: number;
  target: 'label' | 'wrong-class' | 'none';
}

/**
 * c⁺ and c⁻ of a state. The targeted states minimize ℓ_t + U^γ/α (− β ℓ_y), scaled here by α
 * so that U^γ keeps weight 1: c⁺ = α, c⁻ = αβ (same minimizer, Ψ reported α times larger).
 */
export function stateCoefficients(kind: StateKind, beta?: number, alpha = 1): StateCoefficients {
  const needBeta = () => {
    if (beta === undefined || !(beta > 0) || !Number.isFinite(beta)) {
      throw new UnstableSettingsError(`the ${kind} state needs a finite β > 0, got ${beta}`);
    }
    return beta;
  };
  const needAlpha = () => {
    if (!(alpha > 0) || !Number.isFinite(alpha)) throw new UnstableSettingsError(`the ${kind} state needs a finite α > 0, got ${alpha}`);
    return alpha;
  };
  switch (kind) {
    case 'free':
      return { plus: 0, minus: 0, target: 'none' };
    case 'nudged':
      return { plus: needBeta(), minus: 0, target: 'label' };
    case 'adversarial':
      return { plus: 0, minus: needBeta(), target: 'none' };
    case 'targeted':
      return { plus: needAlpha(), minus: 0, target: 'wrong-class' };
    case 'targeted-adversarial':
      return { plus: needAlpha(), minus: needAlpha() * needBeta(), target: 'wrong-class' };
    default:
      throw new Error(`unknown state '${String(kind)}'; states: ${stateKinds.join(', ')}`);
  }
}

/**
 * Refuses Ψ that is unbounded below in z_L: the output block γ_L/2‖z_L − a_L‖² + c⁺ℓ − c⁻ℓ
 * must be strictly convex, γ_L + c⁺ − c⁻ > 0 (for plain AROVR: γ_L > β).
 */
export function assertStableOutput(outputWeight: number, coefficients: StateCoefficients): void {
  const margin = outputWeight + coefficients.plus - coefficients.minus;
  if (!(margin > 0)) {
    throw new UnstableSettingsError(
      `unstable setting: γ_L + c⁺ − c⁻ = ${outputWeight} + ${coefficients.plus} − ${coefficients.minus} = ${margin} ≤ 0, ` +
        'so Ψ is unbounded below in the output activities; use γ_L > c⁻ − c⁺ (for the adversarial state: γ_L > β)',
    );
  }
}
