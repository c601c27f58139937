import * as tf from '@tensorflow/tfjs-core';
import { attackInternalLayers, pgd } from '@liftguard/attacks';
import { internalLayers } from '@liftguard/losses';
import type { Classifier } from '@liftguard/tensor';

export interface InternalLayerOutcome {
  layer: number;
  /** ‖z_k‖₂ of this image: ρ is measured in it. */
  activityNorm: number;
  /** The absolute radius ρ·‖z_k‖₂. */
  epsilon: number;
  /** The model still predicts `label` after the worst perturbation found. */
  survived: boolean;
  milliseconds: number;
}

export function hiddenLayerCount(model: Classifier): number {
  return internalLayers(model).layerCount;
}

/** PGD-L2 (20 steps) on hidden layer `layer` of an MLP read as a lifted network, for one image. */
export async function attackHiddenLayer(model: Classifier, pixels: Float32Array, label: number, layer: number, rho: number): Promise<InternalLayerOutcome> {
  const started = performance.now();
  const x = tf.tensor(pixels, [1, ...model.inputShape]);
  try {
    const result = await attackInternalLayers(internalLayers(model), x, [label], {
      rhos: [rho],
      layers: [layer],
      attack: pgd({ norm: 'l2', steps: 20 }),
    });
    const robustness = result.layers[0]!;
    return {
      layer,
      activityNorm: robustness.meanActivityNorm,
      epsilon: robustness.epsilons[0]!,
      survived: robustness.robustAccuracy[0]! === 1,
      milliseconds: performance.now() - started,
    };
  } finally {
    x.dispose();
  }
}
