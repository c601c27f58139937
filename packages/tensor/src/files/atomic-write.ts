import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFileError, FileSafetyError } from './file-error.js';
import { makeFolder, refusePseudoFileSystem } from './pseudo-file-system.js';

/** Folders this process put in place, with the files it wrote into them: the only things it may delete later. */
const foldersWeCreated = new Map<string, { ino: number; files: string[] }>();

function uniqueSuffix(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Flushes a file to disk so a rename never publishes a file whose bytes are still in the page cache only. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `data` to `path` through a temporary file beside it and a rename, so readers see the
 * old file or the new one, never half of one. Creates missing parent folders (refusing /proc, /sys).
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await makeFolder(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${uniqueSuffix()}`);
  try {
    const handle = await open(temporary, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw describeFileError(error, path, 'write');
  }
}

export interface FolderReplacement {
  /** Where a folder that was at the target before (and not written by this process) now is; undefined if there was none. */
  previous?: string;
}

/**
 * Writes a complete folder atomically: `fill` writes into a fresh temporary folder beside
 * `target`, which is then renamed into place. Nothing this process did not create is ever
 * deleted: an earlier result at `target` is moved aside to `<target>.previous-<time>` (an
 * empty folder is simply replaced); a folder this process put there earlier (e.g. the last
 * checkpoint) is replaced and only the files it wrote there are removed.
 */
export async function replaceFolderAtomically(target: string, fill: (folder: string) => Promise<void>): Promise<FolderReplacement> {
  const path = resolve(target);
  await refusePseudoFileSystem(path);
  const parent = dirname(path);
  await makeFolder(parent);
  const temporary = join(parent, `.${basename(path)}.tmp-${uniqueSuffix()}`);
  try {
    await mkdir(temporary);
  } catch (error) {
    throw describeFileError(error, parent, 'create a temporary folder in');
  }
  let files: string[];
  try {
    await fill(temporary);
    files = await readdir(temporary);
    for (const file of files) await syncFile(join(temporary, file));
  } catch (error) {
    // The temporary folder and everything in it were created by this call.
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  const replacement: FolderReplacement = {};
  try {
    const existing = await lstatOrUndefined(path);
    const ours = foldersWeCreated.get(path);
    if (existing === undefined) {
      await rename(temporary, path);
    } else if (ours !== undefined && existing.isDirectory() && existing.ino === ours.ino) {
      const old = join(parent, `.${basename(path)}.old-${uniqueSuffix()}`);
      await rename(path, old);
      await rename(temporary, path);
      await removeOnly(old, ours.files);
    } else if (existing.isDirectory() && (await isEmptyFolder(path))) {
      await rmdir(path);
      await rename(temporary, path);
    } else {
      replacement.previous = await freeName(join(parent, `${basename(path)}.previous-${new Date().toISOString().replace(/[:.]/g, '-')}`));
      await rename(path, replacement.previous);
      await rename(temporary, path);
    }
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error instanceof FileSafetyError ? error : describeFileError(error, path, 'write');
  }
  foldersWeCreated.set(path, { ino: (await lstat(path)).ino, files });
  return replacement;
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function isEmptyFolder(path: string): Promise<boolean> {
  return (await readdir(path)).length === 0;
}

/** `path`, or `path-2`, `path-3`… whichever does not exist yet. */
async function freeName(path: string): Promise<string> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? path : `${path}-${n}`;
    if ((await lstatOrUndefined(candidate)) === undefined) return candidate;
  }
}

/** Removes the listed files from a folder this process wrote, then the folder if it is empty; anything else stays. */
async function removeOnly(folder: string, files: string[]): Promise<void> {
  for (const file of files) await unlink(join(folder, file)).catch(() => {});
  await rmdir(folder).catch(() => {});
}
