import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeShardReports, parseReport, type RobustnessReport } from '@liftguard/report';
import type { OptionValues } from './command.js';
import { CliError, UsageError } from './errors.js';

/**
 * `--workers N|auto`: how many processes share an attack. auto uses half the cores when there
 * are at least 4 (each process runs its own single-threaded tfjs engine; BLAS threads and the
 * rest of the machine get the other half), else 1. Never more than there are batches.
 */
export function workerCount(values: OptionValues, batches: number): number {
  const raw = String(values.workers ?? 'auto');
  const cores = availableParallelism();
  const wanted = raw === 'auto' ? (cores >= 4 ? Math.floor(cores / 2) : 1) : Number(raw);
  if (!Number.isInteger(wanted) || wanted < 1) throw new UsageError(`--workers must be a positive integer or auto, got '${raw}'`);
  return Math.max(1, Math.min(wanted, batches));
}

/** The flags that re-create this command in a worker, less the ones the parent keeps. */
function workerArgs(values: OptionValues): string[] {
  const parentOnly = new Set(['out', 'html', 'workers', 'shard', 'force', 'quiet', 'json', 'config', 'help', 'examples']);
  return Object.entries(values).flatMap(([name, value]) => {
    if (parentOnly.has(name) || value === undefined || value === false) return [];
    return value === true ? [`--${name}`] : [`--${name}=${value}`];
  });
}

/**
 * Runs the attack as `workers` child processes, each on one shard (`--shard i/N`, whole batches),
 * and merges their reports: the result equals one process's run to the last bit. Child
 * processes rather than worker threads: every tfjs engine is per process, and the shard path is
 * the one `liftguard merge` already makes exact.
 */
export async function attackInWorkers(values: OptionValues, workers: number, note: (line: string) => void): Promise<RobustnessReport> {
  const dir = await mkdtemp(join(tmpdir(), 'liftguard-workers-'));
  try {
    note(`liftguard: attacking in ${workers} processes`);
    const args = workerArgs(values);
    const runs = Array.from({ length: workers }, (_, i) => runWorker([process.argv[1]!, 'attack', ...args, '--shard', `${i}/${workers}`, '--examples', '0', '--out', join(dir, `shard-${i}.json`), '--quiet']));
    const codes = await Promise.all(runs);
    const failed = codes.find((c) => c.code !== 0);
    if (failed) {
      if (failed.code === 130) throw new CliError('stopped by Ctrl-C before the attack finished; nothing was written');
      throw new CliError(`a worker failed: ${failed.stderr.trim().split('\n').at(-1) ?? `exit ${failed.code}`}`);
    }
    const reports = await Promise.all(codes.map(async (_, i) => parseReport(JSON.parse(await readFile(join(dir, `shard-${i}.json`), 'utf8'))) as RobustnessReport));
    return mergeShardReports(reports);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function runWorker(argv: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
