import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { attacks } from './attack-registry.js';
import { autoAttack, autoAttackAttacks, autoAttackList } from './auto-attack.js';
import { runAttack } from './run-attack.js';
import { TinyMlp } from './test-support/tiny-mlp.js';

let model: TinyMlp;
let x: tf.Tensor2D;
let labels: Int32Array;

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('auto attack');
  model = new TinyMlp([64, 32, 10], random);
  x = random.uniformTensor([80, 64], 0, 1) as tf.Tensor2D;
  // Labels the model predicts, so clean accuracy is 1 and every drop is the attacks' doing.
  labels = Int32Array.from(tf.tidy(() => tf.argMax(model.predict(x), 1)).dataSync());
});

afterAll(() => {
  model.dispose();
  x.dispose();
});

describe('autoAttack', () => {
  it('registers APGD, APGD-T, FAB-T and Square and builds each version from the registry', () => {
    expect(attacks.names()).toEqual(expect.arrayContaining(['apgd', 'apgd-t', 'fab-t', 'square']));
    expect(autoAttackList('linf', 'standard').map((a) => a.name)).toEqual(['apgd', 'apgd-t', 'fab-t', 'square']);
    expect(autoAttackAttacks({ norm: 'l2', version: 'quick' }).map((a) => a.name)).toEqual(['apgd-ce', 'apgd-t', 'square']);
    expect(() => autoAttackAttacks({ norm: 'l0' as 'linf' })).toThrow(/norm must be linf, l2 or l1/);
    // L1 standard (Croce & Hein 2021's setting): APGD-CE with 5 restarts, APGD-T on 5 targets, FAB-T, Square.
    expect(autoAttackAttacks({ norm: 'l1' }).map((a) => [a.name, a.norm, (a as { config?: { restarts?: number; targetClasses?: number } }).config?.restarts, (a as { config?: { targetClasses?: number } }).config?.targetClasses])).toEqual([
      ['apgd-ce', 'l1', 5, undefined],
      ['apgd-t', 'l1', 1, 5],
      ['fab-t', 'l1', 1, 9],
      ['square', 'l1', 1, undefined],
    ]);
    expect(autoAttackAttacks({ norm: 'l1', version: 'custom', attacks: [{ name: 'apgd' }, { name: 'apgd-t', options: { targetClasses: 5 } }] }).map((a) => [a.name, a.norm])).toEqual([
      ['apgd-ce', 'l1'],
      ['apgd-t', 'l1'],
    ]);
    expect(() => autoAttackAttacks({ norm: 'linf', version: 'custom' })).toThrow(/needs a non-empty attacks list/);
  });

  it.each([
    ['linf', [0.03, 0.08]],
    ['l1', [0.5, 1.5]],
  ] as const)('%s: is never weaker than any of its attacks alone, per ε, and keeps no tensors', async (norm, epsilons) => {
    const run = { epsilons: [...epsilons], seed: 1, batchSize: 40, returnAdversarials: false } as const;
    await assertNoLeaksAsync(async () => {
      const suite = await autoAttack(model, { x, labels }, { norm, version: 'quick', ...run });
      expect(suite.stages.map((s) => s.name)).toEqual(['apgd-ce', 'apgd-t', 'square']);
      for (const attack of autoAttackAttacks({ norm, version: 'quick' })) {
        const alone = await runAttack(model, { x, labels }, attack, run);
        // Each stage gets its own random stream: allow one example of noise.
        epsilons.forEach((_, e) => expect(suite.robustAccuracy![e]!).toBeLessThanOrEqual(alone.robustAccuracy![e]! + 1 / 80));
      }
      // Robust accuracy falls (weakly) with ε and never exceeds clean accuracy.
      expect(suite.robustAccuracy![1]!).toBeLessThanOrEqual(suite.robustAccuracy![0]!);
      expect(suite.robustAccuracy![0]!).toBeLessThanOrEqual(suite.cleanAccuracy!);
    });
  });

  it('gives identical results for the same seed', async () => {
    const run = { epsilons: [0.05], seed: 7, batchSize: 80, returnAdversarials: false } as const;
    const a = await autoAttack(model, { x, labels }, { norm: 'l2', version: 'quick', ...run });
    const b = await autoAttack(model, { x, labels }, { norm: 'l2', version: 'quick', ...run });
    expect(a.adversarialPredictions[0]).toEqual(b.adversarialPredictions[0]);
  });
});
