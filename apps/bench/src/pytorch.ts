import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The Python that has Debian's PyTorch (`apt-get install python3-torch libopenblas0-pthread`). */
export const systemPython = '/usr/bin/python3';

/** PyTorch's version when `/usr/bin/python3 -c 'import torch'` works, else null. */
export function pytorchVersion(): string | null {
  const result = spawnSync(systemPython, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/**
 * Runs a Python script (text) with a JSON argument and parses the JSON it prints last.
 * The peer implementation for a benchmark lives next to the suite as a .py file.
 */
/** A PyTorch peer's source from apps/bench/src/suites, with the shared IDX reader prepended. */
export function peerScript(root: string, name: string): string {
  const suites = join(root, 'apps', 'bench', 'src', 'suites');
  return readFileSync(join(suites, 'idx_reader.py'), 'utf8') + readFileSync(join(suites, name), 'utf8');
}

export function runPython<T>(script: string, input: unknown, timeoutMs = 30 * 60_000): T {
  const out = execFileSync(systemPython, ['-c', script, JSON.stringify(input)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '2' },
  });
  const lines = out.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
