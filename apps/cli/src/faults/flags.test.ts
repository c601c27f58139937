// Fault injection, flags: odd values get one plain line and exit 2, before any work starts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-flags-'));
const out = join(work, 'out');

/** Exit 2 and exactly one stderr line matching `message`. */
function expectUsage(args: string[], message: RegExp): void {
  const run = runCli(args);
  expect(run.code).toBe(2);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

describe('flags with odd values', () => {
  it('reads a negative number after a flag as its value and gives the range error', () => {
    expectUsage(['attack', '--model', work, '--out', out, '--eps', '-0.1'], /--eps values must be ≥ 0, got -0\.1/);
    expectUsage(['train', '--out', out, '--lr', '-1'], /--lr must be in/);
  });

  it('refuses values above the documented limits unless --allow-large', () => {
    expectUsage(['attack', '--model', work, '--out', out, '--steps', '1e12'], /--steps 1000000000000 is above the limit 10000; pass --allow-large/);
    expectUsage(['train', '--out', out, '--epochs', '100000'], /--epochs 100000 is above the limit/);
    expectUsage(['train', '--out', out, '--widths', '784,100000000,10'], /--widths has a layer of 100000000 units, above the limit 16384/);
  });

  it('estimates memory before allocating even with --allow-large', () => {
    expectUsage(['train', '--out', out, '--widths', '784,100000000,10', '--allow-large'], /needs about \d+(\.\d)? GiB but \d+(\.\d)? GiB of memory is free/);
  });

  it('takes seeds as integers in [0, 2^32 − 1] only', () => {
    for (const seed of ['4294967296', '1e300', '-1', '0.5']) expectUsage(['train', '--out', out, '--seed', seed], /--seed must be (in \[0, 4294967295\]|an integer)/);
  });

  it('names the dataset size when the splits ask for more images than it has', () => {
    expectUsage(['train', '--out', out, '--validation-size', '70000'], /mnist: --validation-size 70000 leaves no training images: the data set has 60000 training images/);
    expectUsage(['train', '--out', out, '--validation-size', '5000', '--train-size', '59000'], /--train-size 59000 \+ --validation-size 5000 exceed the 60000 training images/);
  });
});
