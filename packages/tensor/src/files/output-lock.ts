import { hostname } from 'node:os';
import { link, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { describeFileError, FileSafetyError } from './file-error.js';
import { makeFolder, refusePseudoFileSystem } from './pseudo-file-system.js';

/** Who holds an output lock. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the owner took the lock. */
  startedAt: string;
  /** What the owner is doing, e.g. "liftguard train". */
  command?: string;
  /** The kernel's start time of the owner process (Linux), so a reused pid is not mistaken for the owner. */
  processStart?: string;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined off Linux. */
function processStartOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after it follow the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** A held lock on an output path; `release()` removes the lock file (also done at process exit). */
export interface OutputLock {
  /** The lock file: `<target>.lock`, beside the target so that replacing the target folder keeps it. */
  readonly path: string;
  readonly owner: LockOwner;
  release(): Promise<void>;
}

/** The lock file that guards `target`. */
export function lockPathFor(target: string): string {
  const path = resolve(target);
  return `${dirname(path)}/${basename(path)}.lock`;
}

/** True when the owner's process still runs on this machine (same pid and, where known, same start time). */
function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code !== 'EPERM') return false;
  }
  const start = owner.processStart === undefined ? undefined : processStartOf(owner.pid);
  return start === undefined || start === owner.processStart;
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `path` holding `owner`, or returns false when it exists. The content is written to a
 * private file first and hard-linked into place, so a concurrent reader never sees an empty lock
 * (with open('wx') + write, a loser could read the lock between the two and name no owner).
 * Where hard links are not supported, falls back to open('wx').
 */
async function createExclusive(path: string, owner: LockOwner): Promise<boolean> {
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.draft`;
  try {
    await writeFile(draft, JSON.stringify(owner) + '\n', { flag: 'wx' });
  } catch (error) {
    throw describeFileError(error, draft, 'create the lock file');
  }
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createWithOpen(path, owner);
    throw describeFileError(error, path, 'create the lock file');
  } finally {
    await unlink(draft).catch(() => {});
  }
}

async function createWithOpen(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(JSON.stringify(owner) + '\n');
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw describeFileError(error, path, 'create the lock file');
  }
}

/** An owner is stale when it ran on this host and its process is gone; locks from other hosts are never taken over. */
function isStale(owner: LockOwner | undefined): boolean {
  return owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && !isAlive(owner);
}

/**
 * Takes the lock on an output path, or fails at once with one sentence naming the path and the
 * owner's pid. A lock whose owner process is dead (same host) is taken over; a takeover itself is
 * serialized by a second short-lived lock so two takers cannot both win.
 */
export async function acquireOutputLock(target: string, options: { command?: string } = {}): Promise<OutputLock> {
  const path = lockPathFor(target);
  await refusePseudoFileSystem(path);
  await makeFolder(dirname(path));
  const processStart = processStartOf(process.pid);
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...(options.command ? { command: options.command } : {}),
    ...(processStart !== undefined ? { processStart } : {}),
  };
  if (!(await createExclusive(path, owner))) {
    const current = await readOwner(path);
    if (!isStale(current) || !(await takeOver(path, current!, owner))) {
      const holder = (await readOwner(path)) ?? current;
      throw lockedError(target, path, holder);
    }
  }
  let released = false;
  const onExit = () => {
    if (!released) unlinkSync(path);
  };
  process.once('exit', onExit);
  return {
    path,
    owner,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      const still = await readOwner(path);
      if (still?.pid === owner.pid && still.startedAt === owner.startedAt) await unlink(path).catch(() => {});
    },
  };
}

/** Replaces a stale lock under a takeover lock; false when someone else got there first. */
async function takeOver(path: string, stale: LockOwner, owner: LockOwner): Promise<boolean> {
  const guard = `${path}.takeover`;
  if (!(await createExclusive(guard, owner))) {
    // A takeover guard older than 10 s belongs to a taker that died mid-takeover.
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age < 10_000) return false;
    await unlink(guard).catch(() => {});
    if (!(await createExclusive(guard, owner))) return false;
  }
  try {
    const current = await readOwner(path);
    if (current === undefined || current.pid !== stale.pid || current.startedAt !== stale.startedAt) return false;
    await unlink(path);
    return await createExclusive(path, owner);
  } finally {
    await unlink(guard).catch(() => {});
  }
}

function lockedError(target: string, lockFile: string, owner: LockOwner | undefined): FileSafetyError {
  const who = owner === undefined ? 'another run (unreadable lock file)' : `another run (pid ${owner.pid} on ${owner.host}, since ${owner.startedAt}${owner.command ? `, ${owner.command}` : ''})`;
  return new FileSafetyError(target, `cannot write ${target}: ${who} is writing there; if that run is gone, delete ${lockFile}`, 'ELOCKED');
}
