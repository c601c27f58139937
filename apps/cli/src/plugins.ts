import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, UsageError } from './errors.js';

/** Where a plugin specifier points: a file path (relative to `cwd`) or a package installed where the user runs. */
export function resolvePlugin(specifier: string, cwd: string): string {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || existsSync(resolve(cwd, specifier));
  if (looksLikePath) {
    const path = resolve(cwd, specifier);
    if (!existsSync(path)) throw new UsageError(`--import ${specifier}: no such file (${path})`);
    return pathToFileURL(path).href;
  }
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(specifier)).href;
  } catch {
    throw new UsageError(`--import ${specifier}: no package of that name is installed where liftguard runs (${cwd})`);
  }
}

/**
 * Imports plugin modules in order. A plugin registers what it adds (norms, objectives,
 * attacks, losses, solvers) when imported, as any downstream package would; everything it
 * registers then works in every subcommand.
 */
export async function loadPlugins(specifiers: readonly string[], cwd = process.cwd()): Promise<void> {
  for (const specifier of specifiers) {
    const url = resolvePlugin(specifier, cwd);
    try {
      await import(url);
    } catch (error) {
      throw new CliError(`--import ${specifier}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
}
