import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@liftguard/tensor';
import { forwardPass, type LiftedNetwork } from '@liftguard/potentials';

/** One composite linear map x ↦ W_{L−1}…W_k x and its transpose, on row batches. */
function composite(network: LiftedNetwork, from: number) {
  const maps = network.layers.slice(from).map((l) => l.map);
  return {
    apply: (v: tf.Tensor2D) => maps.reduce((h, m) => m.applyLinear(h), v),
    adjoint: (u: tf.Tensor2D) => maps.reduceRight((h, m) => m.adjoint(h), u),
    inputSize: maps[0]!.inputSize,
  };
}

/**
 * Upper-bound-style Lipschitz estimates of layer k → output, ‖W_{L−1}…W_k‖₂ (ReLUs dropped),
 * for k = 0 (the input; the authors' print ‖W2 W1 W0‖₂) to L−1, by power iteration.
 */
export function lipschitzEstimates(network: LiftedNetwork, { iterations = 50, seed = 0 }: { iterations?: number; seed?: number } = {}): number[] {
  return tf.tidy(() => {
    const random = new Random(seed);
    const sigmas = network.layers.map((_, k) => {
      const op = composite(network, k);
      let v = random.fork(`layer ${k}`).normalTensor([1, op.inputSize]) as tf.Tensor2D;
      let squared: tf.Tensor = tf.scalar(0);
      for (let i = 0; i < iterations; i++) {
        const next = op.adjoint(op.apply(v));
        squared = tf.norm(next);
        v = tf.div(next, tf.add(squared, 1e-30)) as tf.Tensor2D;
      }
      return tf.sqrt(squared);
    });
    return Array.from(tf.stack(sigmas).dataSync());
  });
}

/**
 * The empirical local Lipschitz constant of layer k → logits at the free state, per example
 * ‖∂z_L/∂z_k‖₂ (power iteration on JᵀJ with J v obtained as the gradient of ⟨Jᵀu, v⟩ in u);
 * returns the batch mean and max for k = 0..L−1 (k = 0 is the input).
 */
export function empiricalJacobianNorms(
  network: LiftedNetwork,
  input: tf.Tensor2D,
  { iterations = 20, seed = 0 }: { iterations?: number; seed?: number } = {},
): { mean: number[]; max: number[] } {
  const perLayer = tf.tidy(() => {
    const free = forwardPass(network, input);
    const states = [input, ...free];
    const random = new Random(seed);
    const L = network.layers.length;
    return network.layers.map((_, k) => {
      const forwardFrom = (z: tf.Tensor2D) =>
        network.layers.slice(k).reduce((h, layer) => layer.potential.activate(layer.map.apply(h)), z);
      const zk = states[k]!;
      const vjp = (u: tf.Tensor2D) => tf.grad((z: tf.Tensor) => tf.sum(tf.mul(forwardFrom(z as tf.Tensor2D), u)))(zk) as tf.Tensor2D;
      const outputs = network.layers[L - 1]!.map.outputSize;
      const zeroU = tf.zeros([input.shape[0], outputs]) as tf.Tensor2D;
      const jvp = (v: tf.Tensor2D) => tf.grad((u: tf.Tensor) => tf.sum(tf.mul(vjp(u as tf.Tensor2D), v)))(zeroU) as tf.Tensor2D;
      let v = random.fork(`layer ${k}`).normalTensor(zk.shape) as tf.Tensor2D;
      let norms: tf.Tensor = tf.zeros([input.shape[0]]);
      for (let i = 0; i < iterations; i++) {
        const next = vjp(jvp(v));
        norms = tf.norm(next, 'euclidean', 1);
        v = tf.div(next, tf.add(tf.expandDims(norms, 1), 1e-30)) as tf.Tensor2D;
      }
      return tf.sqrt(norms);
    });
  });
  const values = perLayer.map((t) => Array.from(t.dataSync()));
  tf.dispose(perLayer);
  return {
    mean: values.map((v) => v.reduce((a, b) => a + b, 0) / v.length),
    max: values.map((v) => Math.max(...v)),
  };
}
