// Fault injection, files: existing results, hostile manifests, two writers, pseudo file systems,
// bombs and special files. Each run: one plain line, the right exit code, nothing outside the
// output touched, the previous result still loadable.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';
import { runCliInBackground, snapshot } from '../test-support/fault-support.js';

const sandbox = mkdtempSync(join(tmpdir(), 'liftguard-faults-'));
const tiny = ['--widths', '784,16,10', '--train-size', '300', '--validation-size', '100', '--test-size', '100', '--epochs', '1', '-q'];
const model = join(sandbox, 'model');

/** Exit `code` and exactly one stderr line matching `message`. */
function expectOneLine(run: { code: number | null; stderr: string }, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
}

beforeAll(() => {
  writeFileSync(join(sandbox, 'precious.txt'), 'a user file that must survive\n');
  const run = runCli(['train', '--out', model, ...tiny]);
  if (run.code !== 0) throw new Error(run.stderr);
});

describe('existing results and hostile manifests', () => {
  it('refuses to train over an existing folder without --force (exit 2), touching nothing', () => {
    const before = snapshot(sandbox);
    expectOneLine(runCli(['train', '--out', model, ...tiny]), 2, /model already exists \(a folder with files in it\); refusing to replace it: pass --force/);
    expect(snapshot(sandbox)).toEqual(before);
  });

  it('with --force moves the earlier folder aside intact and writes a loadable model', () => {
    const target = join(sandbox, 'forced');
    mkdirSync(target);
    writeFileSync(join(target, 'notes.txt'), 'mine');
    const before = snapshot(sandbox, ['forced']);
    const run = runCli(['train', '--out', target, '--force', ...tiny]);
    expect(run.code).toBe(0);
    const aside = readdirSync(sandbox).find((name) => name.startsWith('forced.previous-'))!;
    expect(readFileSync(join(sandbox, aside, 'notes.txt'), 'utf8')).toBe('mine');
    expect(snapshot(sandbox, ['forced'])).toEqual(before);
    expect(runCli(['eval', '--model', target, '--test-size', '50', '--validation-size', '100', '--json']).code).toBe(0);
  });

  it('a manifest naming other files (precious.txt, model.json, ..) never makes a save delete them', () => {
    for (const [i, file] of ['../precious.txt', 'model.json', '..', 'precious.txt'].entries()) {
      const target = join(sandbox, `hostile-${i}`);
      mkdirSync(target);
      writeFileSync(join(target, 'precious.txt'), 'keep');
      writeFileSync(join(target, 'model.json'), JSON.stringify({ format: 'liftguard-model', version: 1, weights: { file } }));
      const loaded = runCli(['eval', '--model', target]);
      expect(loaded.code).toBe(1);
      expect(loaded.stderr.trim().split('\n')).toHaveLength(1);
      const before = snapshot(sandbox, [`hostile-${i}`]);
      expect(runCli(['train', '--out', target, '--force', ...tiny]).code).toBe(0);
      expect(snapshot(sandbox, [`hostile-${i}`])).toEqual(before);
      const aside = readdirSync(sandbox).find((name) => name.startsWith(`hostile-${i}.previous-`))!;
      expect(readFileSync(join(sandbox, aside, 'precious.txt'), 'utf8')).toBe('keep');
    }
    expect(readFileSync(join(sandbox, 'precious.txt'), 'utf8')).toBe('a user file that must survive\n');
  });

  it('refuses to replace an attack report without --force, and replaces it with', () => {
    const out = join(sandbox, 'report.json');
    writeFileSync(out, 'earlier');
    const args = ['attack', '--model', model, '--out', out, '--attacks', 'fgsm', '--count', '20', '--eps', '0.1', '--examples', '0', '--validation-size', '100', '-q'];
    expectOneLine(runCli(args), 2, /report\.json already exists \(a file\)/);
    expect(readFileSync(out, 'utf8')).toBe('earlier');
    expect(runCli([...args, '--force']).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('robustness');
  });

  it('lets exactly one of two concurrent writers into one folder; the other fails at once naming the owner', async () => {
    const out = join(sandbox, 'contested');
    const args = ['train', '--out', out, '--widths', '784,16,10', '--train-size', '3000', '--validation-size', '100', '--test-size', '100', '--epochs', '3', '-q'];
    const runs = await Promise.all([runCliInBackground(args).done, runCliInBackground(args).done]);
    const codes = runs.map((r) => r.code).sort();
    expect(codes).toEqual([0, 1]);
    const loser = runs.find((r) => r.code === 1)!;
    expect(loser.stderr.trim().split('\n')).toHaveLength(1);
    expect(loser.stderr).toMatch(/contested: another run \(pid \d+ .*\) is writing there/);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
  });

  it('refuses an output under /proc at once instead of spinning', () => {
    const started = performance.now();
    const run = runCli(['train', '--out', '/proc/liftguard-test/out', ...tiny], { timeoutMs: 30_000 });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/\/proc/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});

describe('data files that are bombs, special or broken', () => {
  /** A data folder with the four MNIST file names; `images` replaces the test images. */
  function dataDir(name: string, images: (path: string) => void): string {
    const dir = join(sandbox, name);
    mkdirSync(dir);
    const header = (magic: number, dims: number[]) => Buffer.from(new Uint8Array([0, 0, 8, magic, ...dims.flatMap((d) => [(d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255])]));
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), Buffer.concat([header(3, [200, 28, 28]), Buffer.alloc(200 * 784)]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), Buffer.concat([header(1, [200]), Buffer.alloc(200)]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), Buffer.concat([header(1, [10]), Buffer.alloc(10)]));
    images(join(dir, 't10k-images-idx3-ubyte'));
    return dir;
  }
  const evalOn = (dir: string) => runCli(['eval', '--model', model, '--data-dir', dir, '--validation-size', '100'], { timeoutMs: 60_000 });

  it('a gzip bomb is refused quickly with a message that says so', () => {
    const header = Buffer.from([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28]);
    const dir = dataDir('bomb', (path) => writeFileSync(path.replace(/ubyte$/, 'ubyte.gz'), gzipSync(Buffer.concat([header, Buffer.alloc(256 * 1024 ** 2)]))));
    const started = performance.now();
    expectOneLine(evalOn(dir), 1, /gzip bomb|more than/i);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('a symlink to /dev/zero is refused, not read forever', () => {
    const dir = dataDir('zero', (path) => symlinkSync('/dev/zero', path));
    expectOneLine(evalOn(dir), 1, /not a regular file|device/i);
  });

  it('a truncated file names the file and the problem', () => {
    const dir = dataDir('truncated', (path) => writeFileSync(path, Buffer.from([0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3])));
    expectOneLine(evalOn(dir), 1, /t10k-images-idx3-ubyte/);
  });
});
