// CI smoke test of the AROVR experiment: 1,000 MNIST images, 2 epochs, BP and AROVR, results in a temp dir.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@liftguard/tensor';
import { experimentPlan, runExperiment } from './losses.js';
import { writeArovrResults, type ArovrResults } from './losses-results.js';
import type { MethodRun } from './losses-experiment.js';

describe('losses suite experiment (CI size)', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-losses-'));
  let backend = '';
  let runs: MethodRun[] = [];

  beforeAll(async () => {
    backend = (await initBackend({ quiet: true })).name;
    const plan = experimentPlan(['--quick', '--methods=bp-squared,arovr'], true);
    runs = await runExperiment(plan, { quick: true, backend, log: () => {} });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('plans the CI size from --quick: 1,000 MNIST images, 2 epochs, one seed', () => {
    expect(experimentPlan(['--quick'], true)).toMatchObject({ datasets: ['mnist'], subsets: [1_000], seeds: [1], epochs: 2 });
    expect(() => experimentPlan(['--methods=nope'], false)).toThrow(/unknown 'nope'/);
  });

  it('trains both methods to sane accuracies with a record per epoch', () => {
    expect(runs.map((r) => r.method)).toEqual(['bp-squared', 'arovr']);
    for (const run of runs) {
      expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(run.testAccuracy).toBeLessThanOrEqual(1);
      // Far above the 10% of chance even after 2 epochs on 1,000 images.
      expect(run.testAccuracy).toBeGreaterThan(0.4);
      expect(run.history).toHaveLength(2);
      for (const epoch of run.history) expect(epoch.validationAccuracy).toBeGreaterThan(0);
      expect(run.lipschitz).toHaveLength(3);
      for (const estimates of run.lipschitz) {
        expect(estimates).toHaveLength(3);
        for (const value of estimates) expect(value).toBeGreaterThan(0);
      }
      expect(run.medianEpochSeconds).toBeGreaterThan(0);
    }
    const arovr = runs[1]!;
    expect(arovr.lossConfig).toMatchObject({ beta: 0.5, rounds: 5 });
    // L_AROVR ≥ ℓ_y(z*): the mean gap of every epoch is non-negative.
    for (const epoch of arovr.history) expect(epoch.diagnostics?.gap).toBeGreaterThanOrEqual(0);
  });

  it('writes arovr.json / arovr.md (with a figure) under the given root', async () => {
    await writeArovrResults(root, runs);
    const saved = JSON.parse(readFileSync(join(root, 'docs', 'results', 'arovr.json'), 'utf8')) as ArovrResults;
    expect(saved.runs.map((r) => r.id)).toEqual(runs.map((r) => r.id));
    expect(saved.machine.node).toBe(process.version);
    const markdown = readFileSync(join(root, 'docs', 'results', 'arovr.md'), 'utf8');
    expect(markdown).toContain('| mnist, 1,000 train, 2 epochs (quick) | arovr |');
    expect(markdown).toContain('## Not run');
    expect(markdown).toMatch(/!\[[^\]]*\]\(arovr\.figure-1\.svg\)/);
    expect(readFileSync(join(root, 'docs', 'results', 'arovr.figure-1.svg'), 'utf8')).toContain('<svg');
  });
});
