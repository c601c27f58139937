import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { classificationLoss, type LossName } from '@liftguard/models';
import { clipByGlobalNorm, gradientsOf } from './gradients.js';
import { oneOf, positive, rejectUnknownOptions } from './hyperparameters.js';
import type { LossBatch, LossDefinition, LossOutput } from './loss.js';
import { backpropOptionSchemas, optionNames, pgdAdversarialOptionSchemas, simpleAdversarialOptionSchemas } from './option-schemas.js';

export interface BackpropOptions {
  /** Clip the global gradient norm to this (default: no clipping). */
  maxGradientNorm?: number;
}

function finish(name: string, output: { value: number; grads: Record<string, tf.Tensor> }, maxGradientNorm: number | undefined, diagnostics: Record<string, number> = {}): LossOutput {
  const gradientNorm = maxGradientNorm === undefined ? undefined : clipByGlobalNorm(output.grads, maxGradientNorm);
  if (!Number.isFinite(output.value)) throw new Error(`${name}: the loss is ${output.value}`);
  return { ...output, diagnostics: { ...diagnostics, ...(gradientNorm === undefined ? {} : { gradientNorm }) } };
}

function backprop(output: LossName): LossDefinition<BackpropOptions> {
  const name = `bp-${output}`;
  return {
    name,
    description: `backpropagation on the ${output} loss (baseline)`,
    options: backpropOptionSchemas,
    create(options) {
      rejectUnknownOptions(name, options, optionNames(backpropOptionSchemas));
      const maxGradientNorm = options.maxGradientNorm === undefined ? undefined : positive(name, 'maxGradientNorm', options.maxGradientNorm);
      return {
        name,
        config: { output, maxGradientNorm: maxGradientNorm ?? null },
        compute: (model, batch) =>
          finish(name, gradientsOf(model, () => classificationLoss(output, model.predict(batch.x), batch.oneHot)), maxGradientNorm),
      };
    },
  };
}

export const backpropSquared = backprop('squared');
export const backpropCrossEntropy = backprop('cross-entropy');

export interface SimpleAdversarialOptions extends BackpropOptions {
  /** Step size β of x' = x + β·∇ₓℓ (default 0.5, the authors'). */
  beta?: number;
  /** Output loss (default 'squared'). */
  output?: LossName;
  /** Clip x' to [low, high] (default: no clipping, as in the authors' code). */
  inputBounds?: [number, number] | null;
}

/** "Simple adversarial training" [LIFTED.md §3.7]: one input step up the loss, then a BP step. */
export const simpleAdversarial: LossDefinition<SimpleAdversarialOptions> = {
  name: 'simple-adversarial',
  options: simpleAdversarialOptionSchemas,
  description: "one-step input perturbation x' = x + β∇ₓℓ, then backpropagation on x'",
  create(options) {
    const name = 'simple-adversarial';
    rejectUnknownOptions(name, options, optionNames(simpleAdversarialOptionSchemas));
    const beta = positive(name, 'beta', options.beta ?? 0.5);
    const output = oneOf(name, 'output', options.output ?? 'squared', ['squared', 'cross-entropy'] as const);
    const bounds = options.inputBounds ?? null;
    if (bounds !== null && !(bounds.length === 2 && bounds[0] < bounds[1])) throw new Error(`${name}: inputBounds must be [low, high] with low < high`);
    const maxGradientNorm = options.maxGradientNorm === undefined ? undefined : positive(name, 'maxGradientNorm', options.maxGradientNorm);
    return {
      name,
      config: { beta, output, inputBounds: bounds, maxGradientNorm: maxGradientNorm ?? null },
      compute(model: Classifier, batch: LossBatch) {
        const perturbed = tf.tidy(() => {
          const grad = tf.grad((x: tf.Tensor) => classificationLoss(output, model.predict(x), batch.oneHot))(batch.x);
          const stepped = tf.add(batch.x, tf.mul(grad, beta));
          return bounds ? tf.clipByValue(stepped, bounds[0], bounds[1]) : stepped;
        });
        try {
          return finish(name, gradientsOf(model, () => classificationLoss(output, model.predict(perturbed), batch.oneHot)), maxGradientNorm);
        } finally {
          perturbed.dispose();
        }
      },
    };
  },
};

/** Makes adversarial inputs for a batch; an app passes one built from @liftguard/attacks. */
export type InputPerturbation = (model: Classifier, x: tf.Tensor, labels: Int32Array) => tf.Tensor;

export interface PgdAdversarialOptions extends BackpropOptions {
  /** Returns perturbed inputs (the caller-supplied attack, e.g. L∞ PGD); required. */
  perturb?: InputPerturbation;
  /** A description of the attack for the config echo (e.g. its resolved config). */
  attack?: Record<string, unknown>;
  output?: LossName;
  /** Weight of the clean loss in (1 − w)·ℓ(x) + w·ℓ(x_adv); default 1 (adversarial only). */
  adversarialWeight?: number;
}

/** PGD adversarial training (Madry et al.), with the attack passed in so losses never imports attacks. */
export const pgdAdversarial: LossDefinition<PgdAdversarialOptions> = {
  name: 'pgd-adversarial',
  options: pgdAdversarialOptionSchemas,
  description: 'backpropagation on adversarial inputs from a caller-supplied attack (e.g. PGD)',
  create(options) {
    const name = 'pgd-adversarial';
    rejectUnknownOptions(name, options, optionNames(pgdAdversarialOptionSchemas));
    if (typeof options.perturb !== 'function') throw new Error(`${name}: needs a perturb(model, x, labels) function (an attack)`);
    const perturb = options.perturb;
    const output = oneOf(name, 'output', options.output ?? 'cross-entropy', ['squared', 'cross-entropy'] as const);
    const weight = options.adversarialWeight ?? 1;
    if (!(weight >= 0 && weight <= 1)) throw new Error(`${name}: adversarialWeight must be in [0, 1], got ${weight}`);
    const maxGradientNorm = options.maxGradientNorm === undefined ? undefined : positive(name, 'maxGradientNorm', options.maxGradientNorm);
    return {
      name,
      config: { output, adversarialWeight: weight, attack: options.attack ?? 'caller-supplied', maxGradientNorm: maxGradientNorm ?? null },
      compute(model, batch) {
        const adversarial = perturb(model, batch.x, batch.labels);
        try {
          if (adversarial.shape.join() !== batch.x.shape.join()) {
            throw new Error(`${name}: perturb returned shape [${adversarial.shape}] for inputs [${batch.x.shape}]`);
          }
          return finish(name, gradientsOf(model, () => tf.tidy(() => {
            const adv = classificationLoss(output, model.predict(adversarial), batch.oneHot);
            if (weight === 1) return adv;
            return tf.add(tf.mul(adv, weight), tf.mul(classificationLoss(output, model.predict(batch.x), batch.oneHot), 1 - weight));
          })), maxGradientNorm);
        } finally {
          adversarial.dispose();
        }
      },
    };
  },
};

export { finish as finishLossOutput };
