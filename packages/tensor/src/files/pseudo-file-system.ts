import { mkdir, realpath } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { describeFileError, FileSafetyError } from './file-error.js';

/** Kernel file systems where files are not storage; Node's recursive mkdir spins forever under /proc. */
const pseudoFileSystems = ['/proc', '/sys', '/dev'];

/** The real path of `path`'s nearest existing ancestor (itself if it exists). */
async function nearestExisting(path: string): Promise<string> {
  let at = resolve(path);
  for (;;) {
    try {
      return await realpath(at);
    } catch {
      const up = dirname(at);
      if (up === at) return at;
      at = up;
    }
  }
}

/** Refuses paths on /proc, /sys or /dev (after resolving symbolic links), where results cannot be stored. */
export async function refusePseudoFileSystem(path: string): Promise<void> {
  const real = await nearestExisting(path);
  const hit = pseudoFileSystems.find((root) => real === root || real.startsWith(root + sep));
  if (hit !== undefined) {
    throw new FileSafetyError(path, `cannot write under ${path}: it is on ${hit}, a kernel file system that cannot hold files`, 'EPSEUDOFS');
  }
}

/** `mkdir -p` that refuses /proc, /sys and /dev instead of hanging, with errors as one sentence. */
export async function makeFolder(path: string): Promise<void> {
  await refusePseudoFileSystem(path);
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw describeFileError(error, path, 'create the folder');
  }
}
