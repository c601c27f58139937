import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requiredKernels } from '@liftguard/tensor';
import { runCli } from './test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-cli-'));

describe('liftguard (conventions every subcommand shares)', () => {
  it('lists the commands and exits 2 without one, 0 with --help', () => {
    const bare = runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toMatch(/Usage: liftguard <command>/);
    expect(runCli(['--help']).code).toBe(0);
  });

  it('rejects an unknown command and an unknown flag with exit 2 and one line on stderr', () => {
    const command = runCli(['trian']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^liftguard: usage: unknown command 'trian'; commands: tour, train, attack, repair, eval, inspect, merge, report, reproduce, backend\n$/);
    const flag = runCli(['backend', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr.trim().split('\n')).toEqual(["liftguard: usage: unknown option '--bogus'"]);
  });

  it('shows per-command help with examples', () => {
    const help = runCli(['backend', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n {2}liftguard backend/);
  });

  it('reports an unavailable backend as a failure (exit 1), never a stack trace', () => {
    const run = runCli(['backend', '--backend', 'tpu']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^liftguard: unknown backend 'tpu'.*available: wasm, cpu/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads options from a JSON config file and rejects unknown keys', () => {
    const good = join(work, 'good.json');
    writeFileSync(good, JSON.stringify({ backend: 'cpu', json: true }));
    const run = runCli(['backend', '--config', good]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).backend).toBe('cpu');
    const bad = join(work, 'bad.json');
    writeFileSync(bad, JSON.stringify({ epochz: 3 }));
    const rejected = runCli(['backend', '--config', bad]);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/unknown option 'epochz' in config file .*bad\.json/);
    const missing = runCli(['backend', '--config', join(work, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config file not found/);
  });
});

describe('liftguard backend', () => {
  it('prints the capability report as JSON with every required kernel', () => {
    const run = runCli(['backend', '--json', '--backend', 'wasm']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.backend).toBe('wasm');
    expect(report.kernels).toHaveLength(requiredKernels.length);
    expect(report.gaps).toEqual([]);
  });

  it('runs the conformance suite on the chosen backend', () => {
    const run = runCli(['backend', '--conformance', '--backend', 'wasm']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/conformance on wasm against cpu: (\d+)\/\1 ops pass/);
  });
});
