// Internal-layer robustness of one trained MLP, both ways (relative ρ and absolute ε budgets),
// with the tour's attack and the strongest available one, plus layer-to-logit Lipschitz estimates.
import * as tf from '@tensorflow/tfjs-core';
import { apgd, apgdTargeted, attackInternalLayers, pgd, type Attack } from '@liftguard/attacks';
import type { ImageSet } from '@liftguard/data';
import { empiricalJacobianNorms, internalLayers, liftedNetworkOf, lipschitzEstimates } from '@liftguard/losses';
import type { Classifier } from '@liftguard/tensor';

export const relativeRadii = [0.05, 0.1, 0.2, 0.5];
export const absoluteRadii = [0.5, 1, 2, 4];

/** The attacks, weakest first: the tour's default PGD-L2, APGD-CE, APGD-T (targeted DLR on the 3 highest wrong classes). */
export const studyAttacks = (quick: boolean): { name: string; attack: Attack; absolute: boolean }[] => [
  { name: 'pgd-l2-40 (tour)', attack: pgd({ norm: 'l2' }), absolute: false },
  { name: 'apgd-ce-l2-50', attack: apgd({ norm: 'l2', steps: quick ? 20 : 50 }), absolute: false },
  { name: 'apgd-t-l2-30×3', attack: apgdTargeted({ norm: 'l2', steps: quick ? 10 : 30, targetClasses: 3 }), absolute: true },
];

export interface LayerLipschitz {
  layer: number;
  meanActivityNorm: number;
  /** ‖∇_{z_k}(z_y − max_{j≠y} z_j)‖₂ over the correctly classified examples, at z*. */
  marginGradientNorm: { mean: number; max: number };
  /** Median of margin / ‖∇ margin‖₂ (first-order distance to the boundary) over correct examples. */
  medianFirstOrderDistance: number;
  /** ‖∂z_L/∂z_k‖₂ per example (power iteration on JᵀJ). */
  jacobianNorm: { mean: number; max: number };
  /** ‖W_{L−1}…W_k‖₂: the global bound ignoring ReLU masks. */
  weightProductNorm: number;
}

export interface InternalRobustness {
  examples: number;
  cleanAccuracy: number;
  /** Per attack: robust accuracy [layer][radius] for relative ρ and (when run) absolute ε. */
  attacks: { name: string; relative: number[][]; absolute: number[][] | null; seconds: number }[];
  lipschitz: LayerLipschitz[];
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.floor(s.length / 2)]!;
};

/** Margin-gradient norms at z*_k per example (correct examples only: the margin of a wrong one is ≤ 0). */
function marginGradients(view: ReturnType<typeof internalLayers>, zk: tf.Tensor, labels: Int32Array) {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), view.numClasses);
  const [margins, norms] = tf.tidy(() => {
    const margin = (z: tf.Tensor) => {
      const logits = view.predictFromLayer(0, z);
      const correct = tf.sum(tf.mul(logits, oneHot), 1);
      const wrong = tf.max(tf.sub(logits, tf.mul(oneHot, 1e9)), 1);
      return tf.sub(correct, wrong);
    };
    const g = tf.grad((z: tf.Tensor) => tf.sum(margin(z)))(zk);
    return [margin(zk), tf.norm(tf.reshape(g, [labels.length, -1]), 'euclidean', 1)];
  });
  const m = margins.dataSync();
  const n = norms.dataSync();
  tf.dispose([margins, norms, oneHot]);
  const correct = Array.from(m.keys()).filter((i) => m[i]! > 0);
  return {
    mean: correct.reduce((s, i) => s + n[i]!, 0) / correct.length,
    max: Math.max(...correct.map((i) => n[i]!)),
    medianDistance: median(correct.map((i) => m[i]! / n[i]!)),
  };
}

/** Internal robustness of `model` on the first `count` images of `test`. */
export async function internalRobustness(model: Classifier, test: ImageSet, count: number, quick: boolean): Promise<InternalRobustness> {
  const view = internalLayers(model);
  const network = liftedNetworkOf(model);
  const x = tf.tensor2d(test.images.subarray(0, count * 784), [count, 784]);
  const labels = test.labels.subarray(0, count);
  try {
    const attacks: InternalRobustness['attacks'] = [];
    let cleanAccuracy = Number.NaN;
    for (const { name, attack, absolute } of studyAttacks(quick)) {
      const started = performance.now();
      const rel = await attackInternalLayers(view, x, labels, { rhos: relativeRadii, attack, seed: 0, batchSize: count });
      cleanAccuracy = rel.cleanAccuracy;
      const abs = absolute ? await attackInternalLayers(view, x, labels, { epsilons: absoluteRadii, attack, seed: 0, batchSize: count }) : null;
      attacks.push({
        name,
        relative: rel.layers.map((l) => l.robustAccuracy),
        absolute: abs ? abs.layers.map((l) => l.robustAccuracy) : null,
        seconds: (performance.now() - started) / 1000,
      });
    }
    const activities = view.activities(x);
    const jacobian = empiricalJacobianNorms(network, x, { iterations: quick ? 5 : 20 });
    const products = lipschitzEstimates(network);
    const lipschitz = activities.map((zk, i) => {
      const k = i + 1;
      // Layer k's activity feeds predictFromLayer(k); wrap so the margin helper sees a layer-0 view.
      const fromK = { ...view, predictFromLayer: (_: number, z: tf.Tensor) => view.predictFromLayer(k, z) };
      const g = marginGradients(fromK, zk, labels);
      const meanActivityNorm = tf.tidy(() => tf.mean(tf.norm(tf.reshape(zk, [count, -1]), 'euclidean', 1)).dataSync()[0]!);
      return {
        layer: k,
        meanActivityNorm,
        marginGradientNorm: { mean: g.mean, max: g.max },
        medianFirstOrderDistance: g.medianDistance,
        jacobianNorm: { mean: jacobian.mean[k]!, max: jacobian.max[k]! },
        weightProductNorm: products[k]!,
      };
    });
    tf.dispose(activities);
    return { examples: count, cleanAccuracy, attacks, lipschitz };
  } finally {
    x.dispose();
  }
}
