import * as tf from '@tensorflow/tfjs-core';
import { pgd, runAttack, type NormName } from '@liftguard/attacks';
import type { Classifier } from '@liftguard/tensor';

export interface CurveSeries {
  name: string;
  robustAccuracy: number[];
}

/** ε grids that go from harmless to (almost) always broken for MNIST models. */
export const curveEpsilons: Record<'linf' | 'l2', number[]> = {
  linf: [0, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3],
  l2: [0, 0.5, 1, 1.5, 2, 2.5, 3],
};

/** Robust accuracy under PGD-10 per model and ε; `onProgress(done, total)` after every (model, ε). */
export async function robustnessCurve(
  models: readonly { name: string; model: Classifier }[],
  batch: { pixels: Float32Array; labels: Int32Array },
  norm: NormName,
  epsilons: readonly number[],
  onProgress: (done: number, total: number, partial: CurveSeries[]) => void,
): Promise<CurveSeries[]> {
  const series: CurveSeries[] = [];
  const total = models.length * epsilons.length;
  let done = 0;
  for (const { name, model } of models) {
    const x = tf.tensor(batch.pixels, [batch.labels.length, ...model.inputShape]);
    const current: CurveSeries = { name, robustAccuracy: [] };
    series.push(current);
    try {
      for (const epsilon of epsilons) {
        // One ε per call so the page can repaint between them.
        const result = await runAttack(model, { x, labels: batch.labels }, pgd({ norm, steps: 10 }), { epsilons: [epsilon], returnAdversarials: false });
        current.robustAccuracy.push(result.robustAccuracy![0]!);
        onProgress(++done, total, series);
      }
    } finally {
      x.dispose();
    }
  }
  return series;
}
