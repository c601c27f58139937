// A plugin: only public imports of @liftguard packages; importing it registers four things.
import * as tf from '@tensorflow/tfjs-core';
import { normStrategy, registerAttack, registerAttackObjective, registerNorm } from '@liftguard/attacks';
import { gradientsOf, registerLoss } from '@liftguard/losses';

// L∞ ball, but steps along g / max|g| (unit L∞ length) instead of sign(g).
registerNorm({
  name: 'linf-scaled',
  label: 'L∞ (scaled gradient)',
  description: 'L∞ ball; steps along the gradient scaled to unit L∞ length',
  defaultEpsilons: [0.1, 0.2],
  randomStart: (shape, epsilon, random) => random.uniformTensor([...shape], -epsilon, epsilon),
  normalizeGradient: (g) => tf.tidy(() => {
    const rows = tf.reshape(g, [g.shape[0], -1]);
    const scale = tf.maximum(tf.max(tf.abs(rows), 1, true), 1e-12);
    return tf.reshape(tf.div(rows, scale), g.shape);
  }),
  project: (delta, epsilon) => tf.clipByValue(delta, -epsilon, epsilon),
  norms: (delta) => tf.tidy(() => tf.max(tf.abs(tf.reshape(delta, [delta.shape[0], -1])), 1)),
});

// Untargeted: lower the label's logit; targeted: raise the target's.
registerAttackObjective({
  name: 'label-logit',
  description: "the label's logit alone (negated when untargeted)",
  value: ({ logits, labels, targeted }) => tf.tidy(() => {
    const z = tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1])), 1);
    return targeted ? z : tf.neg(z);
  }),
});

// A baseline attack: the best of `samples` uniform draws from the ε-ball, by margin.
registerAttack({
  name: 'random-noise',
  label: 'random noise',
  description: 'best of N uniform draws from the ε-ball (a baseline, no gradients)',
  options: [
    { name: 'norm', type: 'string', default: 'linf', description: 'threat model' },
    { name: 'samples', type: 'integer', min: 1, max: 1000, default: 4, description: 'draws per example' },
  ],
  create: ({ norm = 'linf', samples = 4 }) => {
    const strategy = normStrategy(norm);
    return {
      name: 'random-noise',
      norm: strategy,
      config: { attack: 'random-noise', norm, samples },
      perturb: ({ model, x, labels, epsilon, random }) => {
        let best = tf.clone(x);
        let bestMargin = tf.fill([x.shape[0]], Infinity);
        for (let s = 0; s < samples; s++) {
          const [next, nextMargin] = tf.tidy(() => {
            const candidate = tf.clipByValue(tf.add(x, strategy.project(strategy.randomStart(x.shape, epsilon, random), epsilon)), 0, 1);
            const z = model.predict(candidate);
            const oneHot = tf.oneHot(labels, z.shape[1]);
            const margin = tf.sub(tf.sum(tf.mul(z, oneHot), 1), tf.max(tf.sub(z, tf.mul(oneHot, 1e9)), 1));
            const better = tf.less(margin, bestMargin);
            const mask = tf.reshape(better, [x.shape[0], ...x.shape.slice(1).map(() => 1)]);
            return [tf.where(tf.broadcastTo(mask, x.shape), candidate, best), tf.minimum(margin, bestMargin)];
          });
          tf.dispose([best, bestMargin]);
          best = next;
          bestMargin = nextMargin;
        }
        bestMargin.dispose();
        return best;
      },
    };
  },
});

// Cross-entropy against label-smoothed targets.
registerLoss({
  name: 'bp-label-smoothing',
  description: 'cross-entropy with label smoothing',
  options: [{ name: 'smoothing', type: 'number', min: 0, max: 0.99, default: 0.1, description: 'mass spread over the other classes' }],
  create: ({ smoothing = 0.1 }) => ({
    name: 'bp-label-smoothing',
    config: { smoothing },
    compute: (model, batch) => {
      const { value, grads } = gradientsOf(model, () => tf.tidy(() => {
        const z = model.predict(batch.x);
        const k = z.shape[1];
        const target = tf.add(tf.mul(batch.oneHot, 1 - smoothing), smoothing / k);
        return tf.mean(tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(z)), 1)));
      }));
      return { value, grads, diagnostics: {} };
    },
  }),
});
