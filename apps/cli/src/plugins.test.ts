import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-plugins-'));

describe('--import', () => {
  it('imports plugin files in order before the command runs, from flags and the config file', () => {
    const log = join(work, 'log.txt');
    for (const name of ['a', 'b', 'c']) writeFileSync(join(work, `${name}.mjs`), `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(log)}, '${name}');\n`);
    writeFileSync(join(work, 'config.json'), JSON.stringify({ import: ['./c.mjs'] }));
    const run = runCli(['backend', '--import', './a.mjs', '--import', join(work, 'b.mjs'), '--json'], { cwd: work });
    expect(run.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('ab');
    expect(runCli(['backend', '--config', 'config.json', '--json'], { cwd: work }).code).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('abc');
  });

  it('names a missing plugin (exit 2) and a plugin that throws (exit 1) in one line', () => {
    const missing = runCli(['backend', '--import', './nope.mjs'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^liftguard: usage: --import \.\/nope\.mjs: no such file/);
    const bare = runCli(['backend', '--import', 'no-such-liftguard-plugin'], { cwd: work });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/no package of that name is installed/);
    writeFileSync(join(work, 'broken.mjs'), "throw new Error('plugin says no');\n");
    const broken = runCli(['backend', '--import', './broken.mjs'], { cwd: work });
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toEqual(['liftguard: --import ./broken.mjs: plugin says no']);
  });
});
