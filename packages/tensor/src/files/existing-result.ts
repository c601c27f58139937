import { lstat, readdir } from 'node:fs/promises';
import { describeFileError, FileSafetyError } from './file-error.js';

/** What is at an output path: nothing (or an empty folder), a folder with files, or something else. */
export async function existingResult(path: string): Promise<'none' | 'folder' | 'file'> {
  try {
    const stats = await lstat(path);
    if (!stats.isDirectory()) return 'file';
    return (await readdir(path)).length === 0 ? 'none' : 'folder';
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'none';
    throw describeFileError(error, path, 'check');
  }
}

/**
 * Refuses to write over an existing result unless `force` is set: throws a `FileSafetyError`
 * with code 'EEXIST' naming the path. `hint` says how to replace it (e.g. "pass --force").
 */
export async function refuseExistingResult(path: string, { force = false, hint = 'ask to replace it explicitly' }: { force?: boolean; hint?: string } = {}): Promise<void> {
  if (force) return;
  const found = await existingResult(path);
  if (found === 'none') return;
  const what = found === 'folder' ? 'a folder with files in it' : 'a file';
  throw new FileSafetyError(path, `${path} already exists (${what}); refusing to replace it: ${hint}`, 'EEXIST');
}
