import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  acquireOutputLock,
  describeFileError,
  FileSafetyError,
  gunzipBounded,
  lockPathFor,
  makeFolder,
  readFileBounded,
  refuseExistingResult,
  replaceFolderAtomically,
  writeFileAtomic,
} from './index.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'liftguard-files-'));

/** Every file under `dir` (relative path → bytes). */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out.set(path.slice(dir.length), readFileSync(path).toString('base64'));
    }
  }
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<FileSafetyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FileSafetyError);
  expect((error as Error).message).not.toContain('\n');
  return error as FileSafetyError;
}

describe('bounded reads', () => {
  it('refuses a symbolic link to /dev/zero at once, naming it a device', async () => {
    const dir = scratch();
    symlinkSync('/dev/zero', join(dir, 'weights.bin'));
    const started = performance.now();
    const error = await refusal(readFileBounded(join(dir, 'weights.bin'), { what: 'weights file' }));
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('ENOTREGULAR');
    expect(error.message).toContain('character device');
    expect(error.message).toContain(join(dir, 'weights.bin'));
  });

  it('refuses a FIFO without blocking on open', async () => {
    const dir = scratch();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(readFileBounded(fifo))).message).toContain('named pipe');
  });

  it('checks the size on disk against the promised size and the limit before reading', async () => {
    const dir = scratch();
    const file = join(dir, 'data.bin');
    writeFileSync(file, new Uint8Array(100));
    expect((await refusal(readFileBounded(file, { expectedBytes: 99 }))).code).toBe('ESIZE');
    expect((await refusal(readFileBounded(file, { maxBytes: 50 }))).code).toBe('ETOOLARGE');
    expect((await readFileBounded(file, { expectedBytes: 100 })).length).toBe(100);
  });

  it('turns errno codes into one sentence naming the path', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'file'), 'x');
    expect((await refusal(readFileBounded(join(dir, 'missing')))).message).toBe(`cannot read the file ${join(dir, 'missing')}: it does not exist`);
    expect((await refusal(readFileBounded(join(dir, 'file', 'below')))).message).toContain('has a part that is a file, not a folder');
    expect((await refusal(readFileBounded(dir))).message).toMatch(/folder/);
    for (const code of ['ENOSPC', 'EACCES', 'EEXIST', 'EROFS', 'EISDIR']) {
      const error = describeFileError(Object.assign(new Error('raw'), { code }), '/x/y', 'write');
      expect(error.message).toMatch(/^cannot write \/x\/y: it [a-z]/);
      expect(error.message).not.toContain('raw');
    }
  });
});

describe('bounded gunzip', () => {
  it('refuses a 1 MB gzip that inflates to 1 GB in well under a second', () => {
    const member = gzipSync(new Uint8Array(10 * 1024 ** 2), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 100 }, () => member)); // gunzip reads concatenated members: 1000 MiB
    const started = performance.now();
    expect(() => gunzipBounded(bomb, 'bomb.gz', 1024 ** 2)).toThrow(/gzip bomb/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('inflates data within the cap and calls corrupt data corrupt', () => {
    const data = new Uint8Array(5000).map((_, i) => i % 251);
    expect(Buffer.from(gunzipBounded(gzipSync(data), 'ok.gz', 5000)).equals(Buffer.from(data))).toBe(true);
    expect(() => gunzipBounded(gzipSync(data).subarray(0, 100), 'cut.gz', 5000)).toThrow(/not a valid gzip stream/);
  });
});

describe('atomic writes', () => {
  it('replaces a single file through a temporary file and leaves nothing else behind', async () => {
    const dir = scratch();
    await writeFileAtomic(join(dir, 'report.json'), 'one');
    await writeFileAtomic(join(dir, 'report.json'), 'two');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('moves an earlier result aside byte for byte and replaces only its own folders later', async () => {
    const dir = scratch();
    const target = join(dir, 'out');
    mkdirSync(target);
    writeFileSync(join(target, 'precious.txt'), 'keep me');
    writeFileSync(join(target, 'model.json'), '{"weights":{"file":"precious.txt"}}');
    writeFileSync(join(dir, 'neighbour.txt'), 'beside');
    const before = snapshot(target);
    const first = await replaceFolderAtomically(target, async (folder) => writeFileSync(join(folder, 'model.json'), 'new 1'));
    expect(first.previous).toBeDefined();
    expect(snapshot(first.previous!)).toEqual(before);
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('new 1');
    const second = await replaceFolderAtomically(target, async (folder) => writeFileSync(join(folder, 'model.json'), 'new 2'));
    expect(second.previous).toBeUndefined(); // the folder of the first save was ours
    expect(readFileSync(join(target, 'model.json'), 'utf8')).toBe('new 2');
    expect(readFileSync(join(dir, 'neighbour.txt'), 'utf8')).toBe('beside');
    expect(readdirSync(dir).sort()).toEqual(['neighbour.txt', 'out', first.previous!.slice(dir.length + 1)].sort());
  });

  it('leaves the target untouched and no temporary folder when filling fails', async () => {
    const dir = scratch();
    const target = join(dir, 'out');
    mkdirSync(target);
    writeFileSync(join(target, 'old.txt'), 'old');
    await expect(replaceFolderAtomically(target, async () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone');
    expect(readdirSync(dir)).toEqual(['out']);
    expect(readFileSync(join(target, 'old.txt'), 'utf8')).toBe('old');
  });

  it('refuses to create folders under /proc and /sys instead of spinning', async () => {
    const started = performance.now();
    expect((await refusal(makeFolder('/proc/self/liftguard/out'))).code).toBe('EPSEUDOFS');
    expect((await refusal(replaceFolderAtomically('/sys/liftguard', async () => {}))).code).toBe('EPSEUDOFS');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('existing results', () => {
  it('refuses a non-empty folder or a file unless forced, naming the path', async () => {
    const dir = scratch();
    await refuseExistingResult(join(dir, 'new'));
    mkdirSync(join(dir, 'empty'));
    await refuseExistingResult(join(dir, 'empty'));
    writeFileSync(join(dir, 'file'), 'x');
    const error = await refusal(refuseExistingResult(join(dir, 'file'), { hint: 'pass --force' }));
    expect(error.code).toBe('EEXIST');
    expect(error.message).toContain(join(dir, 'file'));
    expect(error.message).toContain('pass --force');
    await refuseExistingResult(join(dir, 'file'), { force: true });
  });
});

describe('output lock', () => {
  it('lets exactly one of two concurrent takers win; the loser names the path and the owner pid', async () => {
    const target = join(scratch(), 'out');
    const results = await Promise.allSettled([acquireOutputLock(target), acquireOutputLock(target)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason.code).toBe('ELOCKED');
    expect(lost[0]!.reason.message).toContain(target);
    expect(lost[0]!.reason.message).toContain(`pid ${process.pid}`);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireOutputLock>>>).value.release();
    const again = await acquireOutputLock(target);
    await again.release();
    expect(existsSync(lockPathFor(target))).toBe(false);
  });

  it('a lock is whole the moment it exists: twenty concurrent losers all name the owner, and no draft is left', async () => {
    const dir = scratch();
    const target = join(dir, 'out');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => acquireOutputLock(target)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => /pid \d+ on /.test(r.reason.message))).toEqual(Array(19).fill(true));
    expect(readdirSync(dir).filter((name) => name.endsWith('.draft'))).toEqual([]);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireOutputLock>>>).value.release();
  });

  it('lets exactly one of several processes win', () => {
    const target = join(scratch(), 'out');
    // The built module (tests run after the build), so each child is plain node.
    const script = `import('${new URL('../../dist/files/index.js', import.meta.url).pathname}').then(m => m.acquireOutputLock(process.argv[1])).then(() => setTimeout(() => console.log('won'), 1500), e => console.log(e.code))`;
    // Four processes at once through a shell, each with its own pid.
    const run = spawnSync('bash', ['-c', `for i in 1 2 3 4; do node -e "$0" "$1" & done; wait`, script, target], { encoding: 'utf8' });
    const lines = run.stdout.trim().split('\n').sort();
    expect(lines, run.stderr).toEqual(['ELOCKED', 'ELOCKED', 'ELOCKED', 'won']);
  });

  it('takes over a lock whose owner process is dead', async () => {
    const target = join(scratch(), 'out');
    const dead = spawnSync('node', ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout.trim());
    writeFileSync(lockPathFor(target), JSON.stringify({ pid: deadPid, host: hostname(), startedAt: '2020-01-01T00:00:00.000Z' }));
    const lock = await acquireOutputLock(target, { command: 'test' });
    expect(JSON.parse(readFileSync(lockPathFor(target), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse: different start time)', async () => {
    const target = join(scratch(), 'out');
    writeFileSync(lockPathFor(target), JSON.stringify({ pid: 1, host: hostname(), startedAt: 'x', processStart: 'not-the-start-of-pid-1' }));
    const lock = await acquireOutputLock(target);
    expect(JSON.parse(readFileSync(lockPathFor(target), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('never takes over a live owner or one on another host', async () => {
    const target = join(scratch(), 'out');
    writeFileSync(lockPathFor(target), JSON.stringify({ pid: 1, host: hostname(), startedAt: 'x' }));
    expect((await refusal(acquireOutputLock(target))).message).toContain('pid 1 ');
    writeFileSync(lockPathFor(target), JSON.stringify({ pid: 999_999_999, host: 'elsewhere', startedAt: 'x' }));
    expect((await refusal(acquireOutputLock(target))).message).toContain('elsewhere');
  });
});
