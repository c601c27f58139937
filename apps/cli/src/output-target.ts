import { acquireOutputLock, FileSafetyError, refuseExistingResult, type OutputLock } from '@liftguard/tensor/files';
import type { OptionValues } from './command.js';
import { CliError, UsageError } from './errors.js';

/**
 * Claims an output path for this command before any work starts: the lock first (a second
 * writer into the same place fails at once, naming the owner), then the existing-result
 * check (an earlier result needs --force; exit 2 naming the path). The caller releases the lock.
 */
export async function claimOutput(path: string, values: OptionValues, command: string): Promise<OutputLock> {
  const lock = await asCliError(() => acquireOutputLock(path, { command: `liftguard ${command}` }));
  try {
    await asCliError(() => refuseExistingResult(path, { force: values.force === true, hint: 'pass --force to replace it (an earlier folder is moved aside, never deleted)' }));
  } catch (error) {
    await lock.release();
    throw error;
  }
  return lock;
}

/** Refuses to write over an existing file unless --force (files that are not the command's main output, e.g. --html). */
export async function claimFile(path: string, values: OptionValues): Promise<void> {
  await asCliError(() => refuseExistingResult(path, { force: values.force === true, hint: 'pass --force to replace it' }));
}

/** File-safety refusals as CLI errors: an existing result is a usage error (exit 2), anything else a failure (exit 1). */
export async function asCliError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FileSafetyError) throw error.code === 'EEXIST' ? new UsageError(error.message) : new CliError(error.message);
    throw error;
  }
}
