import * as tf from '@tensorflow/tfjs-core';
import { Random, type Classifier } from '@liftguard/tensor';
import { forwardPass } from '@liftguard/potentials';
import { finishLossOutput } from './backprop-losses.js';
import { gradientsOf } from './gradients.js';
import { LossSettingsError, nonNegative, oneOf, outputWeight, positive, type GammaOption } from './hyperparameters.js';
import { LiftedBatch, readScalar, spectralCache, type PotentialTerm } from './lifted-states.js';
import { describeSettings, resolveLiftedSettings, type LiftedLossOptions, type LiftedSettings } from './lifted-settings.js';
import type { Loss, LossBatch, LossDefinition, LossOutput } from './loss.js';
import { liftedOptionSchemas, optionNames, targetedOptionSchemas, withDefaults } from './option-schemas.js';
import { chooseTargets, targetPairs, targetRules, temperatureWeights, type TargetRule } from './target-rule.js';

/**
 * The per-batch computation of one lifted loss: value, diagnostics, and ∇L as Σ weight·∇θ mean U^γ(state)
 * (`terms`); `surrogate` is the same as one scalar, for autodiff when the closed form does not apply.
 * `weightObjective`, when given, is a scalar whose autodiff θ-gradient is added (parts of the value
 * that depend on θ other than through U^γ at solved states, e.g. temperature target weights).
 */
export type LiftedTerms = (lifted: LiftedBatch) => {
  value: number;
  terms: PotentialTerm[];
  surrogate: () => tf.Scalar;
  weightObjective?: (() => tf.Scalar) | undefined;
  diagnostics?: Record<string, number>;
};

export function liftedLoss(name: string, settings: LiftedSettings, extraConfig: Record<string, unknown>, terms: LiftedTerms): Loss {
  const spectral = spectralCache();
  return {
    name,
    config: { ...describeSettings(settings), ...extraConfig },
    compute(model: Classifier, batch: LossBatch): LossOutput {
      const lifted = new LiftedBatch(model, batch, settings, spectral);
      try {
        const cleanLoss = readScalar(lifted.outputLoss(lifted.free, batch.oneHot));
        const { value, terms: potentialTerms, surrogate, weightObjective, diagnostics } = terms(lifted);
        const grads = lifted.potentialGradients(model, potentialTerms) ?? gradientsOf(model, surrogate).grads;
        if (weightObjective !== undefined) addInPlace(grads, gradientsOf(model, weightObjective).grads);
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

/** grads[name] += extra[name] for every name, disposing the replaced tensors and `extra`. */
function addInPlace(grads: Record<string, tf.Tensor>, extra: Record<string, tf.Tensor>): void {
  for (const [name, g] of Object.entries(extra)) {
    const previous = grads[name];
    grads[name] = previous === undefined ? g : tf.add(previous, g);
    if (previous !== undefined) {
      previous.dispose();
      g.dispose();
    }
  }
}

/** Refuses γ_L + c⁺ − c⁻ ≤ 0 early, when γ is known before the network (LIFTED.md §3.6). */
export function checkOutputStability(loss: string, gamma: GammaOption, plus: number, minus: number, rule: string): void {
  const margin = outputWeight(gamma) + plus - minus;
  if (!(margin > 0)) throw new LossSettingsError(loss, `unstable: ${rule} (γ_L = ${outputWeight(gamma)}); the inner problem is unbounded`);
}

/** L_ROVR = min_z ℓ_y(z) + (U(z) − min U)/β ≤ ℓ_y(z*); ∇ = (∇U(z⁺) − ∇U(z*))/β. */
export const rovr: LossDefinition<LiftedLossOptions> = {
  name: 'rovr',
  label: 'ROVR',
  description: 'relaxed optimal value reformulation (lower bound on ℓ at the free state; β → 0 is backprop)',
  options: liftedOptionSchemas,
  create(options) {
    const s = resolveLiftedSettings('rovr', options);
    return liftedLoss('rovr', s, {}, (lifted) => {
      const nudged = lifted.solve({ state: 'nudged' });
      const value = readScalar(tf.tidy(() =>
        tf.add(lifted.outputLoss(nudged, lifted.batch.oneHot), tf.div(tf.sub(lifted.potentialValue(nudged), lifted.potentialValue(lifted.free)), s.beta)) as tf.Scalar));
      return {
        value,
        terms: [{ state: nudged, weight: 1 / s.beta }, { state: lifted.free, weight: -1 / s.beta }],
        surrogate: () => tf.div(tf.sub(lifted.potential(nudged), lifted.potential(lifted.free)), s.beta),
      };
    });
  },
};

/** The adversarial part: L_AROVR = ℓ_y(ẑ) − (U(ẑ) − U(z*))/β and its gradient surrogate. */
export function arovrTerms(lifted: LiftedBatch, beta: number) {
  // β of the solve and of the value are the same one, also when a variant varies it.
  const adversarial = lifted.solve({ state: 'adversarial', beta });
  const value = readScalar(tf.tidy(() =>
    tf.sub(lifted.outputLoss(adversarial, lifted.batch.oneHot), tf.div(tf.sub(lifted.potentialValue(adversarial), lifted.potentialValue(lifted.free)), beta)) as tf.Scalar));
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
    options: withDefaults(liftedOptionSchemas, { gamma: defaultGamma }),
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
  /** Which wrong classes t, with which weights (default 'highest-wrong' at the free state). */
  target?: TargetRule;
  /** τ > 0 of the 'temperature' rule, w_t ∝ exp(s_t/τ) (default 0.1; only with that rule). */
  temperature?: number;
  /** λ ≥ 0 of L_AROVR + λ·L_{α,β} for the mixed losses (default 1). */
  mix?: number;
  /** Seed of the random-wrong targets (default 0). */
  seed?: number;
}

/** The target rule and its temperature, as resolved for a targeted loss. */
interface TargetSetting {
  rule: TargetRule;
  temperature: number | null;
}

/**
 * Σ_t w_t L_{α,β}(t), L_{α,β}(t) = max_z ℓ_y(z) − [ℓ_t(z) + U/α − ℓ_t(z^t) − U(z^t)/α]/β ≥ ℓ_y(z^t),
 * batch-averaged: one targeted and one targeted-adversarial solve per (example, t) with w_t > 0.
 */
function targetedTerms(lifted: LiftedBatch, s: LiftedSettings, alpha: number, target: TargetSetting, random: Random) {
  const B = lifted.x.shape[0];
  const freeLogits = lifted.free[lifted.free.length - 1]!;
  const weights = lifted.own(chooseTargets(target.rule, freeLogits, lifted.batch.labels, random, target.temperature ?? undefined));
  const pairs = targetPairs(weights);
  const on = pairs.identity ? lifted : lifted.gather(pairs.rows);
  const N = pairs.rows.length;
  const t = on.own(tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(pairs.targets, 'int32'), freeLogits.shape[1]), 'float32') as tf.Tensor2D));
  // ω_r = w_r·N/B, so that mean_r ω_r (·) = (1/B) Σ_r w_r (·); all ones for the single-class rules.
  const uniform = pairs.weights.every((w) => w === 1);
  const rows = uniform ? undefined : on.own(tf.tensor1d(Float32Array.from(pairs.weights, (w) => (w * N) / B)));
  const pulled = on.solve({ state: 'targeted', alpha, target: t });
  // Started at z^t, a monotone solve keeps the value ≥ ℓ_y(z^t) even when truncated.
  const adversarial = on.solve({ state: 'targeted-adversarial', alpha, target: t, initial: pulled });
  const { beta } = s;
  const weightedMean = (perRow: tf.Tensor1D) => tf.div(tf.sum(rows === undefined ? perRow : tf.mul(perRow, rows)), N) as tf.Scalar;
  // Per (example, t) row: ℓ_y(ẑ) − [F(ẑ) − F(z^t)]/β with F = ℓ_t + U/α.
  const termRows = on.own(tf.tidy(() => {
    const inner = (state: tf.Tensor2D[]) => tf.add(on.outputLossRows(state, t), tf.div(on.potentialRows(state), alpha));
    return tf.sub(on.outputLossRows(adversarial, on.batch.oneHot), tf.div(tf.sub(inner(adversarial), inner(pulled)), beta)) as tf.Tensor1D;
  }));
  const value = readScalar(tf.tidy(() => weightedMean(termRows)));
  const targetedLoss = readScalar(tf.tidy(() => weightedMean(on.outputLossRows(pulled, on.batch.oneHot))));
  const weightScale = 1 / (alpha * beta);
  return {
    value,
    terms: [
      { state: pulled, weight: weightScale, on, ...(rows === undefined ? {} : { rows }) },
      { state: adversarial, weight: -weightScale, on, ...(rows === undefined ? {} : { rows }) },
    ],
    surrogate: () => tf.tidy(() => tf.mul(weightedMean(tf.sub(on.potentialRows(pulled), on.potentialRows(adversarial))), weightScale) as tf.Scalar),
    // The temperature weights depend on θ through the free logits (the forward pass): their part of ∇.
    weightObjective:
      target.rule === 'temperature'
        ? () => tf.tidy(() => {
            const terms = tf.scatterND(tf.tensor2d(Array.from(pairs.rows, (r, i) => [r, pairs.targets[i]!]), [N, 2], 'int32'), termRows, weights.shape);
            const logits = forwardPass(lifted.network, lifted.x);
            const w = temperatureWeights(logits[logits.length - 1]!, lifted.batch.labels, target.temperature!);
            return tf.div(tf.sum(tf.mul(w, terms)), B) as tf.Scalar;
          })
        : undefined,
    diagnostics: { targetedStateLoss: targetedLoss, targetPairs: N / B },
  };
}

function targetedDefinition(name: string, description: string, variant: 'targeted' | 'mixed', defaultGamma: GammaOption): LossDefinition<TargetedOptions> {
  return {
    name,
    description,
    options: withDefaults([...liftedOptionSchemas, ...targetedOptionSchemas], { gamma: defaultGamma }),
    create(options) {
      const s = resolveLiftedSettings(name, options, optionNames(targetedOptionSchemas), { gamma: defaultGamma });
      const alpha = positive(name, 'alpha', options.alpha ?? 1);
      const rule = oneOf(name, 'target', options.target ?? 'highest-wrong', targetRules);
      if (rule !== 'temperature' && options.temperature !== undefined) {
        throw new LossSettingsError(name, `temperature is only used by target 'temperature', not '${rule}'`);
      }
      const temperature = rule === 'temperature' ? positive(name, 'temperature', options.temperature ?? 0.1) : null;
      if (rule === 'temperature' && s.potential !== 'fenchel-young') {
        throw new LossSettingsError(name, "target 'temperature' needs potential 'fenchel-young' (its weights are differentiated through the forward pass)");
      }
      const mix = nonNegative(name, 'mix', options.mix ?? 1);
      const seed = options.seed ?? 0;
      // The targeted-adversarial state scales Ψ by α: γ_L + α − αβ > 0, i.e. γ_L/α + 1 > β.
      checkOutputStability(name, s.gamma, alpha, alpha * s.beta, 'the targeted-adversarial state needs γ_L/α + 1 > β');
      if (variant === 'mixed') checkOutputStability(name, s.gamma, 0, s.beta, 'AROVR needs γ_L > β');
      const random = new Random(seed);
      const target = { rule, temperature };
      const config = { alpha, target: rule, temperature, seed, ...(variant === 'mixed' ? { mix } : {}) };
      return liftedLoss(name, s, config, (lifted) => {
        const targeted = targetedTerms(lifted, s, alpha, target, random);
        if (variant === 'targeted') return targeted;
        const untargeted = arovrTerms(lifted, s.beta);
        const weightObjective = targeted.weightObjective;
        return {
          value: untargeted.value + mix * targeted.value,
          terms: [...untargeted.terms, ...targeted.terms.map((t) => ({ ...t, weight: mix * t.weight }))],
          surrogate: () => tf.tidy(() => tf.add(untargeted.surrogate(), tf.mul(targeted.surrogate(), mix)) as tf.Scalar),
          weightObjective: weightObjective === undefined ? undefined : () => tf.tidy(() => tf.mul(weightObjective(), mix) as tf.Scalar),
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
