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
