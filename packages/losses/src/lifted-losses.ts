import * as tf from '@tensorflow/tfjs-core';
import { Random, type Classifier } from '@liftguard/tensor';
import { finishLossOutput } from './backprop-losses.js';
import { gradientsOf } from './gradients.js';
import { LossSettingsError, nonNegative, oneOf, outputWeight, positive, type GammaOption } from './hyperparameters.js';
import { LiftedBatch, readScalar, spectralCache, type PotentialTerm } from './lifted-states.js';
import { describeSettings, resolveLiftedSettings, type LiftedLossOptions, type LiftedSettings } from './lifted-settings.js';
import type { Loss, LossBatch, LossDefinition, LossOutput } from './loss.js';
import { chooseTargets, targetRules, type TargetRule } from './target-rule.js';

/**
 * The per-batch computation of one lifted loss: value, diagnostics, and ∇L as Σ weight·∇θ mean U^γ(state)
 * (`terms`); `surrogate` is the same as one scalar, for autodiff when the closed form does not apply.
 */
type LiftedTerms = (lifted: LiftedBatch) => {
  value: number;
  terms: PotentialTerm[];
  surrogate: () => tf.Scalar;
  diagnostics?: Record<string, number>;
};

function liftedLoss(name: string, settings: LiftedSettings, extraConfig: Record<string, unknown>, terms: LiftedTerms): Loss {
  const spectral = spectralCache();
  return {
    name,
    config: { ...describeSettings(settings), ...extraConfig },
    compute(model: Classifier, batch: LossBatch): LossOutput {
      const lifted = new LiftedBatch(model, batch, settings, spectral);
      try {
        const cleanLoss = readScalar(lifted.outputLoss(lifted.free, batch.oneHot));
        const { value, terms: potentialTerms, surrogate, diagnostics } = terms(lifted);
        const grads = lifted.potentialGradients(model, potentialTerms) ?? gradientsOf(model, surrogate).grads;
        return finishLossOutput(name, { value, grads }, settings.maxGradientNorm ?? undefined, {
          cleanLoss,
          gap: value - cleanLoss,
          ...lifted.solverDiagnostics(),
          ...diagnostics,
        });
      } finally {
        lifted.dispose();
      }
    },
    dispose: () => spectral.dispose(),
  };
}

/** Refuses γ_L + c⁺ − c⁻ ≤ 0 early, when γ is known before the network (LIFTED.md §3.6). */
function checkOutputStability(loss: string, gamma: GammaOption, plus: number, minus: number, rule: string): void {
  const margin = outputWeight(gamma) + plus - minus;
  if (!(margin > 0)) throw new LossSettingsError(loss, `unstable: ${rule} (γ_L = ${outputWeight(gamma)}); the inner problem is unbounded`);
}

/** L_ROVR = min_z ℓ_y(z) + (U(z) − min U)/β ≤ ℓ_y(z*); ∇ = (∇U(z⁺) − ∇U(z*))/β. */
export const rovr: LossDefinition<LiftedLossOptions> = {
  name: 'rovr',
  description: 'relaxed optimal value reformulation (lower bound on ℓ at the free state; β → 0 is backprop)',
  create(options) {
    const s = resolveLiftedSettings('rovr', options);
    return liftedLoss('rovr', s, {}, (lifted) => {
      const nudged = lifted.solve({ state: 'nudged' });
      const value = readScalar(tf.tidy(() =>
        tf.add(lifted.outputLoss(nudged, lifted.batch.oneHot), tf.div(tf.sub(lifted.potential(nudged), lifted.potential(lifted.free)), s.beta)) as tf.Scalar));
      return {
        value,
        terms: [{ state: nudged, weight: 1 / s.beta }, { state: lifted.free, weight: -1 / s.beta }],
        surrogate: () => tf.div(tf.sub(lifted.potential(nudged), lifted.potential(lifted.free)), s.beta),
      };
    });
  },
};

/** The adversarial part: L_AROVR = ℓ_y(ẑ) − (U(ẑ) − U(z*))/β and its gradient surrogate. */
function arovrTerms(lifted: LiftedBatch, beta: number) {
  const adversarial = lifted.solve({ state: 'adversarial' });
  const value = readScalar(tf.tidy(() =>
    tf.sub(lifted.outputLoss(adversarial, lifted.batch.oneHot), tf.div(tf.sub(lifted.potential(adversarial), lifted.potential(lifted.free)), beta)) as tf.Scalar));
  return {
    value,
    terms: [{ state: lifted.free, weight: 1 / beta }, { state: adversarial, weight: -1 / beta }],
    surrogate: () => tf.div(tf.sub(lifted.potential(lifted.free), lifted.potential(adversarial)), beta) as tf.Scalar,
  };
}

function arovrDefinition(name: string, description: string, defaultGamma: GammaOption): LossDefinition<LiftedLossOptions> {
  return {
    name,
    description,
    create(options) {
      const s = resolveLiftedSettings(name, options, [], { gamma: defaultGamma });
      checkOutputStability(name, s.gamma, 0, s.beta, 'AROVR needs γ_L > β');
      return liftedLoss(name, s, {}, (lifted) => arovrTerms(lifted, s.beta));
    },
  };
}

/** L_AROVR = max_z ℓ_y(z) − (U(z) − min U)/β ≥ ℓ_y(z*); the adversary moves every layer. */
export const arovr = arovrDefinition('arovr', 'adversarial ROVR: an upper bound on ℓ at the free state; the adversary moves every layer', 1);

/** AROVR with per-layer weights γ (cheaper hidden-layer perturbations: a harder loss at the same β). */
export const arovrGamma = arovrDefinition(
  'arovr-gamma',
  'generalized AROVR on the reweighted potential U^γ (default γ = 0.5 on hidden layers, 1 on the output)',
  { hidden: 0.5, output: 1 },
);

export interface TargetedOptions extends LiftedLossOptions {
  /** α > 0 of z^t = argmin ℓ(z_L, t) + U^γ(z)/α (default 1). */
  alpha?: number;
  /** Which wrong class t (default 'highest-wrong' at the free state). */
  target?: TargetRule;
  /** λ ≥ 0 of L_AROVR + λ·L_{α,β} for the mixed losses (default 1). */
  mix?: number;
  /** Seed of the random-wrong targets (default 0). */
  seed?: number;
}

/** L_{α,β} = max_z ℓ_y(z) − [ℓ_t(z) + U/α − ℓ_t(z^t) − U(z^t)/α]/β ≥ ℓ_y(z^t). */
function targetedTerms(lifted: LiftedBatch, s: LiftedSettings, alpha: number, rule: TargetRule, random: Random) {
  const target = lifted.own(chooseTargets(rule, lifted.free[lifted.free.length - 1]!, lifted.batch.labels, random));
  const pulled = lifted.solve({ state: 'targeted', alpha, target });
  // Started at z^t, a monotone solve keeps the value ≥ ℓ_y(z^t) even when truncated.
  const adversarial = lifted.solve({ state: 'targeted-adversarial', alpha, target, initial: pulled });
  const { beta } = s;
  const targetedLoss = readScalar(lifted.outputLoss(pulled, lifted.batch.oneHot));
  const value = readScalar(tf.tidy(() => {
    const inner = (state: tf.Tensor2D[]) => tf.add(lifted.outputLoss(state, target), tf.div(lifted.potential(state), alpha));
    return tf.sub(lifted.outputLoss(adversarial, lifted.batch.oneHot), tf.div(tf.sub(inner(adversarial), inner(pulled)), beta)) as tf.Scalar;
  }));
  return {
    value,
    terms: [{ state: pulled, weight: 1 / (alpha * beta) }, { state: adversarial, weight: -1 / (alpha * beta) }],
    surrogate: () => tf.div(tf.sub(lifted.potential(pulled), lifted.potential(adversarial)), alpha * beta) as tf.Scalar,
    diagnostics: { targetedStateLoss: targetedLoss },
  };
}

function targetedDefinition(name: string, description: string, variant: 'targeted' | 'mixed', defaultGamma: GammaOption): LossDefinition<TargetedOptions> {
  return {
    name,
    description,
    create(options) {
      const s = resolveLiftedSettings(name, options, ['alpha', 'target', 'mix', 'seed'], { gamma: defaultGamma });
      const alpha = positive(name, 'alpha', options.alpha ?? 1);
      const rule = oneOf(name, 'target', options.target ?? 'highest-wrong', targetRules);
      const mix = nonNegative(name, 'mix', options.mix ?? 1);
      const seed = options.seed ?? 0;
      // The targeted-adversarial state scales Ψ by α: γ_L + α − αβ > 0, i.e. γ_L/α + 1 > β.
      checkOutputStability(name, s.gamma, alpha, alpha * s.beta, 'the targeted-adversarial state needs γ_L/α + 1 > β');
      if (variant === 'mixed') checkOutputStability(name, s.gamma, 0, s.beta, 'AROVR needs γ_L > β');
      const random = new Random(seed);
      const config = { alpha, target: rule, seed, ...(variant === 'mixed' ? { mix } : {}) };
      return liftedLoss(name, s, config, (lifted) => {
        const targeted = targetedTerms(lifted, s, alpha, rule, random);
        if (variant === 'targeted') return targeted;
        const untargeted = arovrTerms(lifted, s.beta);
        return {
          value: untargeted.value + mix * targeted.value,
          terms: [...untargeted.terms, ...targeted.terms.map((t) => ({ ...t, weight: mix * t.weight }))],
          surrogate: () => tf.tidy(() => tf.add(untargeted.surrogate(), tf.mul(targeted.surrogate(), mix)) as tf.Scalar),
          diagnostics: { ...targeted.diagnostics, untargetedValue: untargeted.value, targetedValue: targeted.value },
        };
      });
    },
  };
}

export const arovrAlpha = targetedDefinition('arovr-alpha', 'targeted AROVR_α: the adversary pulls toward a wrong class t (alone)', 'targeted', 1);
export const arovrAlphaBeta = targetedDefinition('arovr-alpha-beta', 'AROVR_{α,β} = L_AROVR + λ·L_{α,β}: untargeted and targeted together', 'mixed', 1);
export const arovrGeneralizedAlphaBeta = targetedDefinition(
  'arovr-g-alpha-beta',
  'AROVR^g_{α,β}: AROVR_{α,β} on the reweighted potential U^γ (default γ = 0.5 on hidden layers, 1 on the output)',
  'mixed',
  { hidden: 0.5, output: 1 },
);
