// CI-sized smoke test of the repair experiment: a 1-epoch CNNLight, |X_adv| = 10, M = 3, 200 test images.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cuttingPlaneRecipe } from '@liftguard/attacks';
import { loadDataset, locateDataset } from '@liftguard/data';
import { initBackend } from '@liftguard/tensor';
import { runRepairExperiment, type RepairExperimentConfig } from './repair-experiment.js';
import { paperRecipe, pretrainedModel } from './repair-models.js';
import { entryId, writeRepairResults } from './repair-report.js';

const mnistAvailable = (() => {
  try {
    locateDataset('mnist');
    return true;
  } catch {
    return false;
  }
})();

const config: RepairExperimentConfig = {
  sizes: [10],
  // ω = 1 selects on violation alone, so its choice can be compared with w̄.
  omegas: [0.4, 1],
  iterations: [3],
  sourceCount: 300,
  cleanCount: 200,
  validationCount: 200,
  testCount: 200,
  adversarial: cuttingPlaneRecipe,
  evaluation: { epsilons: [0.05, 0.1, 0.2], bounds: null, seed: 11, batchSize: 200, pgdSteps: 10, loss: 'cross-entropy' },
  adaptive: true,
  margin: 0.1,
  cleanLossTolerance: 0.05,
  batchSize: 200,
};

describe.skipIf(!mnistAvailable)('repair experiment end to end (tiny)', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-repair-test-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('repairs a 1-epoch CNNLight on 10 PGD examples and reports sane numbers', async () => {
    await initBackend({ quiet: true });
    const data = await loadDataset('mnist');
    const recipe = paperRecipe('cnn-light', 1, 2_000);
    const pretrained = await pretrainedModel(recipe, data.train, join(root, 'models'), () => {});
    try {
      const result = await runRepairExperiment(pretrained.classifier, data.train, data.test, config, () => {});
      const [run] = result.runs;
      expect(result.runs).toHaveLength(1);

      // X_adv: 10 examples, one per true class, each misclassified by the original model.
      expect(run!.adversarialSet.labels).toHaveLength(10);
      expect([...run!.adversarialSet.labels].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(run!.adversarialSet.violations.every((v) => v > 0)).toBe(true);
      const before = run!.evaluations.find((e) => e.candidate === 0)!;
      expect(before.adversarialSetAccuracy).toBe(0);

      // Every accuracy is a share.
      const shares = [
        result.original.cleanAccuracy,
        ...run!.evaluations.flatMap((e) => [e.cleanAccuracy, e.adversarialSetAccuracy, ...e.transfer.fgsm, ...e.transfer.pgd, ...(e.adaptive?.fgsm ?? []), ...(e.adaptive?.pgd ?? [])]),
      ];
      expect(shares.every((a) => a >= 0 && a <= 1)).toBe(true);
      expect(run!.evaluations.filter((e) => e.candidate !== 0).every((e) => e.adaptive !== null)).toBe(true);

      // After repair the violation on X_adv is no larger than before.
      const byViolation = run!.selections.find((s) => s.omega === 1)!;
      expect(run!.pool[byViolation.candidate]!.violation).toBeLessThanOrEqual(run!.pool[0]!.violation);
      expect(run!.trace.length).toBeGreaterThan(0);
      expect(run!.trace.length).toBeLessThanOrEqual(3);
      expect(run!.trace.every((t) => t.gradientMs >= 0 && t.solveMs >= 0)).toBe(true);

      // The report lands in the given root, not the repository's docs/.
      await writeRepairResults(root, { id: entryId(recipe, result, true), quick: true, recipe, pretrainSeconds: pretrained.trainSeconds, result, machine: { date: '', node: process.version, platform: process.platform }, finishedAt: new Date().toISOString() });
      const saved = JSON.parse(readFileSync(join(root, 'docs', 'results', 'repair.json'), 'utf8')) as { entries: unknown[] };
      expect(saved.entries).toHaveLength(1);
      expect(existsSync(join(root, 'docs', 'results', 'repair.md'))).toBe(true);
      expect(readdirSync(join(root, 'docs', 'results')).some((f) => f.endsWith('.svg'))).toBe(true);
    } finally {
      pretrained.classifier.dispose();
    }
    // Its own timeout: ~30 s on an idle 2-core machine, several times that under load.
  }, 240_000);
});
