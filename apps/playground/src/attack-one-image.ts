import * as tf from '@tensorflow/tfjs-core';
import { fgsm, pgd, runAttack, type NormName } from '@liftguard/attacks';
import type { Classifier } from '@liftguard/tensor';
import { classProbabilities } from './class-probabilities';

export type AttackKind = 'pgd' | 'fgsm';

export interface AttackSettings {
  kind: AttackKind;
  norm: NormName;
  epsilon: number;
}

export interface OneImageAttack {
  adversarial: Float32Array;
  probabilities: Float32Array;
  prediction: number;
  /** The prediction the attack moved away from (the clean one). */
  cleanPrediction: number;
  /** ‖adversarial − original‖ in the attack's norm. */
  perturbationNorm: number;
  milliseconds: number;
}

/** PGD-20 or FGSM against the model's own clean prediction, so a flip is what the attack reaches for. */
export function createAttack(settings: AttackSettings) {
  return settings.kind === 'pgd' ? pgd({ norm: settings.norm, steps: 20 }) : fgsm({ norm: settings.norm });
}

export function perturbationNorm(original: Float32Array, adversarial: Float32Array, norm: NormName): number {
  let linf = 0;
  let sumSquares = 0;
  let sumAbs = 0;
  for (let i = 0; i < original.length; i++) {
    const d = Math.abs(adversarial[i]! - original[i]!);
    linf = Math.max(linf, d);
    sumSquares += d * d;
    sumAbs += d;
  }
  return norm === 'linf' ? linf : norm === 'l2' ? Math.sqrt(sumSquares) : sumAbs;
}

export async function attackOneImage(model: Classifier, pixels: Float32Array, settings: AttackSettings, seed = 0): Promise<OneImageAttack> {
  const started = performance.now();
  const x = tf.tensor(pixels, [1, ...model.inputShape]);
  try {
    const result = await runAttack(model, { x }, createAttack(settings), {
      epsilons: [settings.epsilon],
      goal: { kind: 'untargeted', labels: 'predicted' },
      seed,
    });
    const clipped = result.clipped[0]!;
    const adversarial = (await clipped.data()) as Float32Array;
    for (const t of [...result.raw, ...result.clipped]) t.dispose();
    const milliseconds = performance.now() - started;
    return {
      adversarial,
      probabilities: classProbabilities(model, adversarial),
      prediction: result.adversarialPredictions[0]![0]!,
      cleanPrediction: result.cleanPredictions[0]!,
      perturbationNorm: perturbationNorm(pixels, adversarial, settings.norm),
      milliseconds,
    };
  } finally {
    x.dispose();
  }
}
