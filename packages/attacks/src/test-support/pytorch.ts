import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';

/** Debian's Python, which has python3-torch (.ci/apt-packages installs it). */
export const python = '/usr/bin/python3';

/** Whether PyTorch imports; checked once per test file. */
export const torchAvailable =
  spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/**
 * A PyTorch cross-check: runs where PyTorch imports; skipped on a developer machine without
 * it, but under CI=true a missing PyTorch is a failing test, so a cross-check never goes quiet.
 */
export function describeWithTorch(name: string, body: () => void): void {
  if (torchAvailable) describe(name, body);
  else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs PyTorch under CI', () => {
        throw new Error(
          `${python} cannot import torch: install python3-torch (.ci/apt-packages) so this cross-check runs`,
        );
      });
    });
  } else describe.skip(name, body);
}

/** Runs a Python script (one thread) with `request` as JSON on stdin; returns its JSON output. */
export function runPython<T>(script: string, request: unknown): T {
  const run = spawnSync(python, ['-c', script], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (run.status !== 0) throw new Error(`the PyTorch script failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
