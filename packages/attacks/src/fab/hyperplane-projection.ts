import * as tf from '@tensorflow/tfjs-core';
import type { Bounds } from '../bounds.js';

/** The norms FAB minimizes here. */
export type FabNorm = 'linf' | 'l2';

// Bisection steps: L∞ on [0, high − low], L2 on log λ between the unboxed and fully boxed λ.
const bisections = 40;
const tiny = 1e-12;

/**
 * The smallest step δ (in ‖·‖∞ or ‖·‖₂) per row that moves the point t onto the hyperplane
 * ⟨w, t + δ⟩ = b while t + δ stays in the bounds (FAB's projection, Croce & Hein 2020). When the
 * box cannot reach the hyperplane, the step that gets closest. Rows are examples: t, w [m, d],
 * b [m]; returns δ [m, d] (caller owns).
 */
export function projectOntoHyperplane(
  t: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  norm: FabNorm,
  bounds: Bounds,
): tf.Tensor2D {
  return tf.tidy(() => {
    // Orient w so that the hyperplane lies in its direction: ⟨w, δ⟩ = c with c ≥ 0.
    const gap = tf.sub(b, tf.sum(tf.mul(w, t), 1));
    const orientation = tf.reshape(
      tf.where(tf.less(gap, 0), tf.fill(gap.shape, -1), tf.onesLike(gap)),
      [-1, 1],
    );
    const direction = tf.mul(w, orientation) as tf.Tensor2D;
    const needed = tf.reshape(tf.abs(gap), [-1, 1]);
    const magnitude = tf.abs(direction);
    const sign = tf.sign(direction);
    if (bounds === null) {
      // No box: the closed forms c·sign(w)/‖w‖₁ (L∞) and c·w/‖w‖₂² (L2).
      if (norm === 'linf')
        return tf.mul(sign, tf.div(needed, tf.add(tf.sum(magnitude, 1, true), tiny)));
      return tf.mul(direction, tf.div(needed, tf.add(tf.sum(tf.square(direction), 1, true), tiny)));
    }
    // How far each coordinate can move in the direction of w before leaving the box.
    const room = tf.where(
      tf.greater(direction, 0),
      tf.sub(bounds[1], t),
      tf.where(tf.less(direction, 0), tf.sub(t, bounds[0]), tf.zerosLike(t)),
    );
    const safeRoom = tf.maximum(room, 0);
    // Per-row values spread over the row: wasm's min/max/compare kernels are ~30× slower broadcasting.
    const ones = tf.onesLike(t);
    const spread = (perRow: tf.Tensor) => tf.mul(ones, perRow);
    if (norm === 'linf') {
      // ⟨w, δ(r)⟩ = Σ|w_i|·min(r, room_i) grows with the radius r: bisect for the smallest r reaching c.
      const reach = (r: tf.Tensor) =>
        tf.sum(tf.mul(magnitude, tf.minimum(spread(r), safeRoom)), 1, true);
      const radius = smallestReaching(
        tf.zerosLike(needed),
        tf.fill(needed.shape, bounds[1] - bounds[0]),
        (r) => tf.greaterEqual(reach(r), needed),
      );
      return tf.mul(sign, tf.minimum(spread(radius), safeRoom));
    }
    // L2: δ(λ)_i = sign(w_i)·min(λ|w_i|, room_i); bisect log λ between c/‖w‖² and the λ that fills the box.
    const reach = (lambda: tf.Tensor) =>
      tf.sum(tf.mul(magnitude, tf.minimum(tf.mul(lambda, magnitude), safeRoom)), 1, true);
    const unboxed = tf.maximum(
      tf.div(needed, tf.add(tf.sum(tf.square(magnitude), 1, true), tiny)),
      tiny,
    );
    const filled = tf.max(tf.div(safeRoom, tf.add(magnitude, tiny)), 1, true);
    const logLambda = smallestReaching(
      tf.log(unboxed),
      tf.log(tf.maximum(filled, unboxed)),
      (logL) => tf.greaterEqual(reach(tf.exp(logL)), needed),
    );
    // Already enough at the unboxed λ (nothing clipped): no search needed.
    const enoughAtStart = tf.greaterEqual(reach(unboxed), needed);
    const lambda = tf.where(enoughAtStart, unboxed, tf.exp(logLambda));
    const step = tf.mul(sign, tf.minimum(tf.mul(lambda, magnitude), safeRoom));
    // A point already on the hyperplane does not move.
    return tf.mul(step, tf.cast(tf.greater(needed, 0), 'float32')) as tf.Tensor2D;
  });
}

/**
 * Bisection per row for the smallest value in [low, high] where `enough` holds (it must be
 * monotone); returns the upper end, where it holds unless even `high` is not enough. Each step
 * is its own tidy scope so the [m, d] temporaries do not pile up.
 */
function smallestReaching(
  low: tf.Tensor,
  high: tf.Tensor,
  enough: (value: tf.Tensor) => tf.Tensor,
): tf.Tensor {
  for (let i = 0; i < bisections; i++) {
    const [nextLow, nextHigh] = tf.tidy(() => {
      const middle = tf.div(tf.add(low, high), 2);
      const ok = enough(middle);
      return [tf.where(ok, low, middle), tf.where(ok, middle, high)];
    });
    tf.dispose([low, high]);
    [low, high] = [nextLow!, nextHigh!];
  }
  low.dispose();
  return high;
}
