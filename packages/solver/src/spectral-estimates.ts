import * as tf from '@tensorflow/tfjs-core';
import { estimateSpectralNorm, type LiftedNetwork } from '@liftguard/potentials';
import { Random, type Seed } from '@liftguard/tensor';

/**
 * Warm-start cache for the power iterations that estimate ‖map_k‖₂ (k = 2..L, the maps whose
 * adjoint the hidden updates use). Pass one instance to successive `solveActivities` calls
 * (e.g. across training batches) so a few iterations per solve suffice; `dispose()` it at the end.
 */
export class SpectralEstimates {
  private readonly vectors = new Map<number, tf.Tensor2D>();
  private estimates: number[] = [];
  private readonly random: Random;

  constructor(seed: Seed = 0) {
    this.random = new Random(seed);
  }

  /** The last estimates σ̂ of maps 2..L (index 0 is map 2). */
  get sigmas(): readonly number[] {
    return this.estimates;
  }

  /**
   * Runs `iterations` power iterations per map from the cached vectors (maps not seen yet, or
   * whose size changed, start from a seeded random vector and run `coldIterations`). One read.
   * `adjoints[k]`, when given, applies map_kᵀ (index by layer, 2..L).
   */
  refresh(
    network: LiftedNetwork,
    iterations: number,
    coldIterations: number,
    adjoints?: readonly ((output: tf.Tensor2D) => tf.Tensor2D)[],
  ): number[] {
    const maps = network.layers.slice(1).map((layer) => layer.map);
    const sigmas = maps.map((map, i) => {
      const layer = i + 2;
      const cached = this.vectors.get(layer);
      const warm = cached !== undefined && cached.shape[1] === map.inputSize;
      const start = warm ? cached : (this.random.fork(`map ${layer}`).normalTensor([1, map.inputSize]) as tf.Tensor2D);
      const { sigma, vector } = estimateSpectralNorm(map, start, warm ? iterations : coldIterations, adjoints?.[layer]);
      start.dispose();
      this.vectors.set(layer, vector);
      return sigma;
    });
    for (const layer of [...this.vectors.keys()]) {
      if (layer > network.layers.length) {
        this.vectors.get(layer)!.dispose();
        this.vectors.delete(layer);
      }
    }
    if (sigmas.length === 0) return (this.estimates = []);
    const values = tf.tidy(() => tf.stack(sigmas).dataSync());
    tf.dispose(sigmas);
    this.estimates = Array.from(values);
    return this.estimates;
  }

  dispose(): void {
    for (const v of this.vectors.values()) v.dispose();
    this.vectors.clear();
  }
}
