import { expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random } from '@liftguard/tensor';
import type { Attack } from '../attack.js';
import { runAttack } from '../run-attack.js';
import { DenseMlp } from './dense-mlp.js';
import { uniformInputs } from './fixtures.js';
import { runPython } from './pytorch.js';

/**
 * Robust accuracy of `attack` and of a PyTorch `script` on the same ReLU MLP (64-48-48-10) and
 * 400 inputs uniform in [0, 1], labelled by the model. The script reads sizes, weights, biases,
 * x, labels, epsilon, steps and seed from stdin and prints {"robust": …}.
 */
async function mlpRobustAccuracies(name: string, attack: Attack, epsilon: number, steps: number, script: string): Promise<{ ours: number; reference: number }> {
  await initBackend({ quiet: true });
  const random = new Random(name);
  const sizes = [64, 48, 48, 10];
  const model = new DenseMlp(sizes, random);
  const inputs = uniformInputs(random, 400, sizes[0]!);
  try {
    const labels = Array.from(tf.tidy(() => tf.argMax(model.predict(inputs.x), 1).dataSync()));
    const result = await runAttack(model, { x: inputs.x, labels }, attack, { epsilons: [epsilon], seed: 1, returnAdversarials: false });
    const request = { sizes, weights: model.weights, biases: model.biases, x: inputs.rows.flat(), labels, epsilon, steps, seed: 0 };
    return { ours: result.robustAccuracy![0]!, reference: runPython<{ robust: number }>(script, request).robust };
  } finally {
    model.dispose();
    inputs.x.dispose();
  }
}

/** Expects `attack` and the PyTorch `script` to agree within 0.5 points on the MLP above, away from 0 and 1. */
export async function expectPyTorchAgreement(name: string, attack: Attack, epsilon: number, steps: number, script: string): Promise<void> {
  const { ours, reference } = await mlpRobustAccuracies(name, attack, epsilon, steps, script);
  // Meaningful only away from 0 and 1.
  expect(reference).toBeGreaterThan(0.2);
  expect(reference).toBeLessThan(0.8);
  expect(Math.abs(ours - reference), `LiftGuard ${ours}, PyTorch ${reference}`).toBeLessThanOrEqual(0.005);
}
