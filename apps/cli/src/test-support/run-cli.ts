import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `liftguard` as a subprocess, the way a user would (tests run after build). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliRun {
  const result = spawnSync(process.execPath, [main, ...args], {
    cwd: options.cwd,
    // An explicit backend keeps the one-line fallback notice out of the stderr the tests read.
    env: { ...process.env, LIFTGUARD_BACKEND: 'wasm', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
