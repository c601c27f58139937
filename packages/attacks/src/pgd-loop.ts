import * as tf from '@tensorflow/tfjs-core';
import { replace } from '@liftguard/tensor';
import { attackObjective } from './objectives/registry.js';
import type { AttackProblem } from './attack.js';
import { clipToBounds } from './bounds.js';
import type { NormStrategy } from './norms/norm-strategy.js';
import { absoluteStepSize, type ResolvedPgdConfig } from './pgd-config.js';

/**
 * The one projected-gradient loop (template method): the norm strategy decides the start,
 * the step direction and the projection; everything else is fixed. Returns the raw
 * adversarial inputs (caller owns); with restarts each example keeps its worst case.
 */
export function projectedGradientAscent(
  problem: AttackProblem,
  config: ResolvedPgdConfig,
  norm: NormStrategy,
): tf.Tensor {
  const steps = projectedGradientSteps(problem, config, norm);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** `projectedGradientAscent` pausing after every step; stopped early, it disposes what it holds. */
export function* projectedGradientSteps(
  problem: AttackProblem,
  config: ResolvedPgdConfig,
  norm: NormStrategy,
): Generator<void, tf.Tensor, void> {
  const { model, x, labels, targeted, bounds, epsilon } = problem;
  const step = absoluteStepSize(config.stepSize, epsilon);
  const objective = (input: tf.Tensor) =>
    attackObjective(model.predict(input), labels, config.loss, targeted, problem.sourceLabels);
  const gradient = tf.grad((input: tf.Tensor) => tf.sum(objective(input)));

  let best: tf.Tensor | undefined;
  let bestScore: Float32Array | undefined;
  let adversarial: tf.Tensor | undefined;
  let finished = false;
  try {
    for (let restart = 0; restart < config.restarts; restart++) {
      adversarial = tf.tidy(() =>
        config.randomStart
          ? clipToBounds(tf.add(x, norm.randomStart(x.shape, epsilon, problem.random)), bounds)
          : tf.clone(x),
      );
      for (let i = 0; i < config.steps; i++) {
        const current: tf.Tensor = adversarial;
        adversarial = replace(
          current,
          tf.tidy(() => {
            const g = gradient(current);
            const fused = norm.projectedStep?.(current, g, x, step, epsilon, bounds);
            if (fused) return fused;
            const moved = tf.add(current, tf.mul(norm.normalizeGradient(g), step));
            return clipToBounds(tf.add(x, norm.project(tf.sub(moved, x), epsilon)), bounds);
          }),
        );
        yield;
      }
      if (config.restarts === 1) {
        finished = true;
        return adversarial;
      }
      const reached: tf.Tensor = adversarial;
      const score = restartScore(problem, config, reached);
      if (best === undefined || bestScore === undefined) {
        best = reached;
        adversarial = undefined;
        bestScore = score;
        continue;
      }
      const better = score.map((s, i) => (s > bestScore![i]! ? 1 : 0));
      for (let i = 0; i < score.length; i++) if (better[i]) bestScore[i] = score[i]!;
      const previous = best;
      best = tf.tidy(() => {
        const mask = tf.reshape(tf.tensor1d(better, 'bool'), [
          better.length,
          ...x.shape.slice(1).map(() => 1),
        ]);
        return tf.where(tf.broadcastTo(mask, x.shape), reached, previous);
      });
      tf.dispose([previous, reached]);
      adversarial = undefined;
    }
    finished = true;
    return best!;
  } finally {
    // Stopped between steps: nothing is handed back, so nothing is kept.
    if (!finished) tf.dispose([adversarial, best].filter((t): t is tf.Tensor => t !== undefined && !t.isDisposed));
  }
}

// Success dominates; among equals the higher objective wins (the per-example worst case).
const successBonus = 1e30;

function restartScore(
  problem: AttackProblem,
  config: ResolvedPgdConfig,
  adversarial: tf.Tensor,
): Float32Array {
  return tf.tidy(() => {
    const logits = problem.model.predict(adversarial);
    const predicted = tf.argMax(logits, 1);
    const hit = problem.targeted
      ? tf.equal(predicted, problem.labels)
      : tf.notEqual(predicted, problem.labels);
    const value = attackObjective(
      logits,
      problem.labels,
      config.loss,
      problem.targeted,
      problem.sourceLabels,
    );
    return tf.add(value, tf.mul(tf.cast(hit, 'float32'), successBonus)).dataSync() as Float32Array;
  });
}
