// End-to-end: the built `liftguard` as a subprocess on tiny real MNIST subsets.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '@liftguard/report';
import { runCli } from './test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-e2e-'));
const tiny = ['--validation-size', '200', '--quiet'];
const mlpDir = join(work, 'mlp');

beforeAll(() => {
  const run = runCli(['train', '--out', mlpDir, '--widths', '784,24,24,10', '--train-size', '400', '--test-size', '200', '--epochs', '2', '--loss', 'bp-squared', ...tiny]);
  if (run.code !== 0) throw new Error(`train failed: ${run.stderr}`);
});

describe('liftguard train', () => {
  it('writes a loadable model and a valid training report', () => {
    expect(existsSync(join(mlpDir, 'model.json'))).toBe(true);
    const report = parseReport(JSON.parse(readFileSync(join(mlpDir, 'training-report.json'), 'utf8')));
    expect(report.kind).toBe('document');
  });

  it('trains with a lifted loss and echoes its resolved hyperparameters in --json', () => {
    const run = runCli(['train', '--out', join(work, 'arovr'), '--widths', '784,16,16,10', '--train-size', '200', '--test-size', '100', '--epochs', '1', '--loss', 'arovr', '--beta', '0.4', '--gamma', '1,1,1', '--json', ...tiny]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.loss).toEqual({ name: 'arovr', config: expect.objectContaining({ beta: 0.4, gamma: [1, 1, 1], rounds: 5, damping: 'majorize' }) });
    expect(summary.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(summary.history[0].diagnostics.gap).toBeGreaterThanOrEqual(0);
  });

  it('refuses bad values with exit 2 and one line naming the flag', () => {
    const run = runCli(['train', '--out', join(work, 'x'), '--epochs', 'ten']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("liftguard: usage: --epochs must be a number, got 'ten'\n");
    const unstable = runCli(['train', '--out', join(work, 'x'), '--loss', 'arovr', '--beta', '2']);
    expect(unstable.code).toBe(2);
    expect(unstable.stderr).toMatch(/^liftguard: usage: arovr: unstable: AROVR needs γ_L > β/);
    expect(runCli(['train', '--epochs', '1']).stderr).toMatch(/--out is required/);
  });

  it('validates flags before touching the backend: a bad flag wins over an unavailable backend', () => {
    const flagFirst = runCli(['repair', '--model', mlpDir, '--out', join(work, 'x'), '--adv-steps', '0', '--backend', 'no-such-backend']);
    expect(flagFirst.code).toBe(2);
    expect(flagFirst.stderr).toMatch(/^liftguard: usage: --adv-steps/);
    // With valid flags the command does reach the backend and fails there.
    const backendLast = runCli(['eval', '--model', mlpDir, '--backend', 'no-such-backend']);
    expect(backendLast.code).toBe(1);
    expect(backendLast.stderr).toMatch(/no-such-backend/);
  });

  it('refuses a model whose input does not fit the images (exit 1)', () => {
    const run = runCli(['train', '--out', join(work, 'x'), '--widths', '100,10', '--train-size', '100', ...tiny]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/takes inputs of shape \[100\] \(100 values\) but mnist images are 28×28/);
  });
});

describe('liftguard attack', () => {
  it('writes a valid robustness report and an HTML page with plots and the numbers', () => {
    const out = join(work, 'robustness.json');
    const html = join(work, 'robustness.html');
    const run = runCli(['attack', '--model', mlpDir, '--out', out, '--html', html, '--count', '60', '--eps', '0.05,0.2', '--steps', '5', '--internal-rho', '0.2', '--json', ...tiny]);
    expect(run.code).toBe(0);
    const report = parseReport(JSON.parse(readFileSync(out, 'utf8')));
    expect(report).toEqual(JSON.parse(run.stdout));
    if (report.kind !== 'robustness') throw new Error('expected a robustness report');
    const worst = report.worstCase[0]!;
    expect(worst.epsilons).toEqual([0.05, 0.2]);
    // robustness can only fall as ε grows, and never exceeds clean accuracy
    expect(worst.robustAccuracy![1]!).toBeLessThanOrEqual(worst.robustAccuracy![0]!);
    expect(worst.robustAccuracy![0]!).toBeLessThanOrEqual(report.cleanAccuracy!);
    expect(report.internalLayers!.layers).toHaveLength(2);
    const page = readFileSync(html, 'utf8');
    expect((page.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(page).toContain(`${(100 * report.cleanAccuracy!).toFixed(1)}`);
  });

  it('reports a missing model and a corrupt model file with exit 1', () => {
    const missing = runCli(['attack', '--model', join(work, 'nope'), '--out', join(work, 'r.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^liftguard: model not found: .*nope/);
    const corrupt = join(work, 'corrupt');
    runCli(['train', '--out', corrupt, '--widths', '784,8,10', '--train-size', '100', '--epochs', '1', ...tiny]);
    const manifest = JSON.parse(readFileSync(join(corrupt, 'model.json'), 'utf8'));
    const weights = join(corrupt, manifest.weights.file);
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    const run = runCli(['attack', '--model', corrupt, '--out', join(work, 'r.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/truncated|corrupt/);
  });
});

describe('liftguard eval, repair and report', () => {
  it('eval prints clean and robust accuracy as JSON', () => {
    const run = runCli(['eval', '--model', mlpDir, '--test-size', '100', '--eps', '0.1', '--json', ...tiny]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.count).toBe(100);
    // The default is the standard AutoAttack suite: one cumulative row per stage, then the suite.
    expect(result.robust.map((r: { attack: string }) => r.attack)).toEqual(['after apgd-ce', 'after apgd-t', 'after fab-t', 'after square', 'AutoAttack standard']);
    expect(result.threatModel).toMatch(/clipped to \[0, 1\]/);
    for (const r of result.robust) expect(r.robustAccuracy[0]).toBeLessThanOrEqual(result.cleanAccuracy);
    // Each stage attacks the survivors of the ones before: robust accuracy never rises.
    const stages = result.robust.map((r: { robustAccuracy: number[] }) => r.robustAccuracy[0]);
    for (let k = 1; k < stages.length; k++) expect(stages[k]).toBeLessThanOrEqual(stages[k - 1]);
    const chosen = runCli(['eval', '--model', mlpDir, '--test-size', '100', '--eps', '0.1', '--attacks', 'fgsm,pgd', '--json', ...tiny]);
    expect(JSON.parse(chosen.stdout).robust.map((r: { attack: string }) => r.attack)).toEqual(['fgsm', 'pgd']);
    const flagWithoutAttacks = runCli(['eval', '--model', mlpDir, '--test-size', '100', '--eps', '0.1', '--steps', '5', ...tiny]);
    expect(flagWithoutAttacks.code).toBe(2);
    expect(flagWithoutAttacks.stderr).toMatch(/--steps does not apply to --suite .*unless --attacks names others/);
  });

  it('repair fixes adversarial examples, saves the model and a valid report', () => {
    const out = join(work, 'repaired');
    const run = runCli(['repair', '--model', mlpDir, '--out', out, '--pool-size', '300', '--clean-size', '100', '--selection-size', '100', '--iterations', '5', '--json', ...tiny]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.adversarialSet.count).toBe(10);
    expect(summary.chosen.violatedCount).toBeLessThanOrEqual(summary.original.violatedCount);
    parseReport(JSON.parse(readFileSync(join(out, 'repair-report.json'), 'utf8')));
    expect(runCli(['eval', '--model', out, '--test-size', '50', ...tiny]).code).toBe(0);
  });

  it('report renders a folder of reports to Markdown with SVG figures and HTML', () => {
    const run = runCli(['report', work, '--json', '--quiet']);
    expect(run.code).toBe(0);
    const rendered = JSON.parse(run.stdout) as { markdown: string; html: string; figures: number }[];
    expect(rendered.length).toBeGreaterThanOrEqual(3);
    expect(rendered.some((r) => r.figures > 0)).toBe(true);
    expect(readFileSync(rendered[0]!.html, 'utf8')).toMatch(/<html/);
    expect(runCli(['report', join(work, 'nothing.json')]).code).toBe(1);
  });
});
