// The "add your own loss" guide (docs/losses.md) as a test: a loss from outside the package is
// registered through the public API and trains a model with the models package's trainer.
import { beforeAll, describe, expect, it } from 'vitest';
import { experimentSplits, loadDataset, sliceImageSet } from '@liftguard/data';
import { accuracy, mlp, trainClassifier } from '@liftguard/models';
import { initBackend } from '@liftguard/tensor';
import { createLoss, listLosses, registerLoss } from '@liftguard/losses';
import { marginHinge } from './test-support/downstream-loss.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('a loss registered from outside the package', () => {
  it('registers once, is created by name, and trains an MLP on real MNIST', async () => {
    registerLoss(marginHinge);
    expect(() => registerLoss(marginHinge)).toThrow(/already registered/);
    expect(listLosses().map((l) => l.name)).toContain('margin-hinge');
    const splits = experimentSplits(await loadDataset('mnist', { env: {} }), { trainSize: 600 });
    const validation = sliceImageSet(splits.validation, 0, 300);
    const model = mlp([784, 32, 10], { seed: 1, initialization: 'pytorch' });
    const before = accuracy(model, validation);
    const result = await trainClassifier(model, { train: splits.train, validation, epochs: 3, batchSize: 50, seed: 0, loss: createLoss('margin-hinge', { margin: 0.5 }) });
    expect(result.history[2]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    // 600 images, 3 epochs: far above chance (10%) and above the untrained model
    expect(result.bestValidationAccuracy!).toBeGreaterThan(Math.max(0.6, before + 0.3));
    model.dispose();
  });

  it('trains with a built-in lifted loss the same way (AROVR on MNIST)', async () => {
    const splits = experimentSplits(await loadDataset('mnist', { env: {} }), { trainSize: 600 });
    const validation = sliceImageSet(splits.validation, 0, 300);
    const model = mlp([784, 32, 10], { seed: 1 });
    const before = accuracy(model, validation);
    const loss = createLoss('arovr', { beta: 0.5, rounds: 5 });
    const result = await trainClassifier(model, { train: splits.train, validation, epochs: 3, batchSize: 50, seed: 0, loss });
    loss.dispose?.();
    expect(result.history[0]!.diagnostics).toHaveProperty('gap');
    // AROVR's value bounds the clean loss from above, and training lowers it
    expect(result.history.every((e) => e.diagnostics!.gap! >= 0)).toBe(true);
    expect(result.history[2]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
    // β = ½ is a strong Lipschitz penalty: on 600 images it learns slower than BP, but it learns
    expect(result.bestValidationAccuracy!).toBeGreaterThan(before + 0.1);
    model.dispose();
  });
});
