import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-suite-'));
const model = join(work, 'model');
const small = ['--validation-size', '100', '--test-size', '150'];

beforeAll(() => {
  const run = runCli(['train', '--out', model, '--widths', '784,32,10', '--train-size', '1000', '--epochs', '1', '-q', ...small]);
  if (run.code !== 0) throw new Error(run.stderr);
});

describe('--suite (AutoAttack)', () => {
  it('eval reports each stage and the suite, falling stage by stage and with ε', () => {
    const run = runCli(['eval', '--model', model, '--suite', 'quick', '--eps', '0.05,0.1', '--json', ...small]);
    expect(run.code).toBe(0);
    const { robust, cleanAccuracy, maskingWarnings } = JSON.parse(run.stdout) as { cleanAccuracy: number; robust: { attack: string; robustAccuracy: number[] }[]; maskingWarnings: { check: string }[] };
    // A plain ReLU MLP with working gradients: the suite's gradient-masking checks stay quiet.
    expect(maskingWarnings).toEqual([]);
    expect(robust.map((r) => r.attack)).toEqual(['after apgd-ce', 'after apgd-t', 'after square', 'AutoAttack quick']);
    for (let i = 1; i < robust.length; i++) robust[i]!.robustAccuracy.forEach((a, e) => expect(a).toBeLessThanOrEqual(robust[i - 1]!.robustAccuracy[e]!));
    const suite = robust.at(-1)!.robustAccuracy;
    expect(suite[1]!).toBeLessThanOrEqual(suite[0]!);
    expect(suite[0]!).toBeLessThanOrEqual(cleanAccuracy);
  });

  it('--suite rand runs APGD-CE then APGD-DLR with EOT on a deterministic model, never above clean', () => {
    const run = runCli(['eval', '--model', model, '--suite', 'rand', '--eps', '0.1', '--test-size', '40', '--json', '--validation-size', '100']);
    expect(run.code, run.stderr).toBe(0);
    const { robust, cleanAccuracy } = JSON.parse(run.stdout) as { cleanAccuracy: number; robust: { attack: string; robustAccuracy: number[] }[] };
    expect(robust.map((r) => r.attack)).toEqual(['after apgd-ce', 'after apgd-dlr', 'AutoAttack rand']);
    expect(robust[1]!.robustAccuracy[0]!).toBeLessThanOrEqual(robust[0]!.robustAccuracy[0]!);
    expect(robust[0]!.robustAccuracy[0]!).toBeLessThanOrEqual(cleanAccuracy);
  });

  it('refuses per-attack flags and norms the suite does not run in', () => {
    const steps = runCli(['eval', '--model', model, '--suite', 'standard', '--steps', '10', '--eps', '0.1']);
    expect(steps.code).toBe(2);
    expect(steps.stderr).toMatch(/--steps does not apply to --suite/);
  });

  it('runs the quick suite in L1 (APGD-CE, APGD-T, Square), never above clean', () => {
    const run = runCli(['eval', '--model', model, '--norm', 'l1', '--suite', 'quick', '--eps', '2', '--test-size', '30', '--json', '--validation-size', '100']);
    expect(run.code, run.stderr).toBe(0);
    const { robust, cleanAccuracy } = JSON.parse(run.stdout) as { cleanAccuracy: number; robust: { attack: string; robustAccuracy: number[] }[] };
    expect(robust.map((r) => r.attack)).toEqual(['after apgd-ce', 'after apgd-t', 'after square', 'AutoAttack quick']);
    for (const r of robust) expect(r.robustAccuracy[0]!).toBeLessThanOrEqual(cleanAccuracy);
  });
});
