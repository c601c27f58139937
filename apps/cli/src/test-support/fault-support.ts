import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './run-cli.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

/** Path → content hash of every file and link under `root` (folders by their listing), except the paths under `skip`. */
export function snapshot(root: string, skip: readonly string[] = []): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const key = relative(root, path);
      if (skip.some((s) => key === s || key.startsWith(`${s}/`) || key.startsWith(`${s}.`))) continue;
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) files.set(key, `link:${readlinkSync(path)}`);
      else if (stats.isDirectory()) walk(path);
      else files.set(key, createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(root);
  return files;
}

/** A CLI run in the background, for interrupts and concurrent writers. */
export interface BackgroundRun {
  interrupt(): void;
  done: Promise<CliRun & { signalToExitMs: number | null }>;
  /** Resolves once stderr has printed something matching `pattern`. */
  waitFor(pattern: RegExp): Promise<void>;
}

export function runCliInBackground(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): BackgroundRun {
  const child = spawn(process.execPath, [main, ...args], { cwd: options.cwd, env: { ...process.env, LIFTGUARD_BACKEND: 'wasm', ...options.env } });
  let stdout = '';
  let stderr = '';
  let signalledAt: number | null = null;
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters.splice(0)) if (w.pattern.test(stderr)) w.resolve();
    else waiters.push(w);
  });
  const done = new Promise<CliRun & { signalToExitMs: number | null }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr, signalToExitMs: signalledAt === null ? null : performance.now() - signalledAt })),
  );
  return {
    interrupt: () => {
      signalledAt = performance.now();
      child.kill('SIGINT');
    },
    done,
    waitFor: (pattern) => (pattern.test(stderr) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
  };
}
