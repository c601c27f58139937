// Fault injection, Ctrl-C: SIGINT while train, attack and repair run; what is on disk afterwards
// must load (or be absent), and the command must stop within a second of its current step.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { runCliInBackground } from '../test-support/fault-support.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-interrupts-'));
const model = join(work, 'model');
const small = ['--validation-size', '100', '--test-size', '100'];

/** Resolves once `path` exists (a first checkpoint), polling. */
async function until(path: string, timeoutMs = 60_000): Promise<void> {
  const started = performance.now();
  while (!existsSync(path)) {
    if (performance.now() - started > timeoutMs) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => {
  const run = runCli(['train', '--out', model, '--widths', '784,16,10', '--train-size', '500', '--epochs', '1', '-q', ...small]);
  if (run.code !== 0) throw new Error(run.stderr);
});

describe('Ctrl-C', () => {
  it('train stops after the current batch, keeps the best checkpoint and says it stopped early', async () => {
    const out = join(work, 'interrupted-train');
    // Few batches per epoch and many epochs: the case the trainer used to miss.
    const run = runCliInBackground(['train', '--out', out, '--widths', '784,16,10', '--train-size', '200', '--batch-size', '100', '--epochs', '5000', '--json', ...small]);
    await until(join(out, 'model.json'));
    run.interrupt();
    const done = await run.done;
    expect(done.code).toBe(0);
    expect(done.signalToExitMs!).toBeLessThan(5000);
    const summary = JSON.parse(done.stdout);
    expect(summary.training.stoppedEarly).toBe(true);
    expect(summary.history.length).toBeLessThan(5000);
    expect(JSON.parse(readFileSync(join(out, 'training-report.json'), 'utf8')).kind).toBe('document');
    expect(runCli(['eval', '--model', out, '--json', ...small]).code).toBe(0);
  });

  it('attack stops at the next step, writes nothing and exits 130', async () => {
    const out = join(work, 'robustness.json');
    const run = runCliInBackground(['attack', '--model', model, '--out', out, '--attacks', 'pgd', '--steps', '5000', '--count', '2000', '--eps', '0.1', '--examples', '0', '--validation-size', '100', '--test-size', '2000']);
    // Interrupt once the attack runs (not while the model loads, which a loaded machine can stretch).
    await run.waitFor(/pgd on 2000 images: 0\/1/);
    await sleep(1500);
    run.interrupt();
    const done = await run.done;
    expect(done.code).toBe(130);
    expect(done.signalToExitMs!).toBeLessThan(5000);
    expect(done.stderr).toMatch(/stopped by Ctrl-C before the attack finished; nothing was written/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });

  it('repair stops at the next iteration and saves the best candidate so far', async () => {
    const out = join(work, 'repaired');
    const run = runCliInBackground(['repair', '--model', model, '--out', out, '--iterations', '5000', '--margin', '1000000', '--pool-size', '200', '--clean-size', '100', '--selection-size', '100', '--json', ...small]);
    await sleep(6000);
    run.interrupt();
    const done = await run.done;
    expect(done.code).toBe(0);
    const summary = JSON.parse(done.stdout);
    expect(summary.stopReason).toBe('interrupted');
    expect(runCli(['eval', '--model', out, '--json', ...small]).code).toBe(0);
  });
});
