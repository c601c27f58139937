import * as tf from '@tensorflow/tfjs-core';
import type { ActivityProblem, LayerPotential } from './layer-potential.js';
import type { LiftedNetwork } from './lifted-network.js';

/**
 * A fixed quadratic in a layer's activities, per example: ⟨linear, z − center⟩ + (proximal/2)‖z − center‖²
 * (`linear` and `center` [B, n] default to zero; `proximal` ≥ 0, default 0).
 */
export interface ActivityQuadratic {
  linear?: tf.Tensor2D;
  proximal?: number;
  center?: tf.Tensor2D;
}

/**
 * E'(z, a) = E(z, a) + ⟨l, z − c⟩ + (μ/2)‖z − c‖²: a potential with a quadratic in z added, e.g. the
 * tether (μ/2)‖z − anchor‖² of the AROVR^d envelope or a linear tilt. Its minimizer stays exact
 * (the quadratic merges into the `ActivityProblem`). Bound to one batch: the tensors are used as
 * given, never disposed, and must outlive the potential's use.
 */
export function augmentPotential(base: LayerPotential, quadratic: ActivityQuadratic): LayerPotential {
  const { linear, center } = quadratic;
  const proximal = quadratic.proximal ?? 0;
  if (!(proximal >= 0) || !Number.isFinite(proximal)) throw new Error(`an activity quadratic needs a finite proximal weight ≥ 0, got ${proximal}`);
  // ∂/∂z of the added quadratic: l + μ(z − c).
  const addedGradient = (z: tf.Tensor2D): tf.Tensor2D | undefined => {
    let g: tf.Tensor2D | undefined = linear;
    if (proximal !== 0) {
      const pull = tf.mul(center === undefined ? z : tf.sub(z, center), proximal) as tf.Tensor2D;
      g = g === undefined ? pull : (tf.add(g, pull) as tf.Tensor2D);
    }
    return g;
  };
  return {
    name: `${base.name}+quadratic`,
    preActivationCurvature: base.preActivationCurvature,
    energy: (z, a) =>
      tf.tidy(() => {
        let e = base.energy(z, a);
        const offset = center === undefined ? z : tf.sub(z, center);
        if (linear !== undefined) e = tf.add(e, tf.sum(tf.mul(linear, offset), 1));
        if (proximal !== 0) e = tf.add(e, tf.mul(tf.sum(tf.square(offset), 1), proximal / 2));
        return e as tf.Tensor1D;
      }),
    activityGradient: (z, a) =>
      tf.tidy(() => {
        const added = addedGradient(z);
        const g = base.activityGradient(z, a);
        return added === undefined ? g : tf.add(g, added);
      }),
    preActivationGradient: (z, a) => base.preActivationGradient(z, a),
    activate: (a) => mergedMinimizer(base, quadratic, { preActivation: a, weight: 1 }),
    minimizeActivity: (problem) => mergedMinimizer(base, quadratic, problem),
  };
}

/**
 * argmin_z w·(E + ⟨l₀, z − c₀⟩ + (μ₀/2)‖z − c₀‖²) + ⟨l, z − c⟩ + (μ/2)‖z − c‖²: the z-gradient of the
 * quadratic part is (w·l₀ − w·μ₀·c₀ + l − μ·c) + (w·μ₀ + μ)·z, so one problem with center 0 is exact.
 */
function mergedMinimizer(base: LayerPotential, added: ActivityQuadratic, problem: ActivityProblem): tf.Tensor2D {
  const w = problem.weight;
  const addedProximal = w * (added.proximal ?? 0);
  const proximal = (problem.proximal ?? 0) + addedProximal;
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    if (added.linear !== undefined) parts.push(w === 1 ? added.linear : tf.mul(added.linear, w));
    if (addedProximal !== 0 && added.center !== undefined) parts.push(tf.mul(added.center, -addedProximal));
    if (problem.linear !== undefined) parts.push(problem.linear);
    if ((problem.proximal ?? 0) !== 0 && problem.center !== undefined) parts.push(tf.mul(problem.center, -problem.proximal!));
    const linear = parts.length === 0 ? undefined : (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Tensor2D;
    return base.minimizeActivity({ preActivation: problem.preActivation, weight: w, proximal, ...(linear === undefined ? {} : { linear }) });
  });
}

/**
 * The network with layer k's potential augmented by `quadratics[k − 1]` (undefined: unchanged).
 * The maps are shared, so parameters and spectral-norm caches carry over.
 */
export function augmentNetwork(network: LiftedNetwork, quadratics: readonly (ActivityQuadratic | undefined)[]): LiftedNetwork {
  if (quadratics.length !== network.layers.length) {
    throw new Error(`augmentNetwork needs one entry per layer (${network.layers.length}), got ${quadratics.length}`);
  }
  return {
    ...network,
    layers: network.layers.map((layer, i) => {
      const q = quadratics[i];
      return q === undefined ? layer : { ...layer, potential: augmentPotential(layer.potential, q) };
    }),
  };
}
