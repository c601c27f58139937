import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmThreadRequest } from './wasm-threads.js';

describe('LIFTGUARD_WASM_THREADS', () => {
  it('reads a count, auto (on with ≥ 4 logical cores) and off', () => {
    expect(wasmThreadRequest(undefined, 16).threads).toBeNull();
    expect(wasmThreadRequest('off', 16).threads).toBeNull();
    expect(wasmThreadRequest('1', 16).threads).toBeNull();
    expect(wasmThreadRequest('4', 2)).toEqual({ threads: 4, reason: 'LIFTGUARD_WASM_THREADS=4' });
    expect(wasmThreadRequest('auto', 8).threads).toBe(8);
    expect(wasmThreadRequest('auto', 2)).toEqual({ threads: null, reason: 'single-threaded: LIFTGUARD_WASM_THREADS=auto needs at least 4 logical cores, this machine has 2' });
  });

  it('refuses anything else with a one-line error naming the variable', () => {
    expect(() => wasmThreadRequest('many', 4)).toThrow(/^LIFTGUARD_WASM_THREADS must be a thread count ≥ 2, auto or off, got 'many'$/);
    expect(() => wasmThreadRequest('2.5', 4)).toThrow(/LIFTGUARD_WASM_THREADS/);
  });
});

describe('threaded wasm in Node (separate processes)', () => {
  const script = fileURLToPath(new URL('./test-support/wasm-values.mjs', import.meta.url));
  type Run = { threads: { enabled: boolean; count: number; reason: string }; blas: boolean; values: Record<string, number[]> };
  const run = (env: Record<string, string>): Run =>
    JSON.parse(execFileSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 90_000, maxBuffer: 256 * 1024 * 1024 })) as Run;

  function expectSameValues(actual: Run, expected: Run): void {
    expect(Object.keys(actual.values)).toEqual(Object.keys(expected.values));
    for (const [name, reference] of Object.entries(expected.values)) {
      const values = actual.values[name]!;
      expect(values.length, name).toBe(reference.length);
      const scale = Math.max(1, ...reference.map(Math.abs));
      const worst = values.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i]!)), 0);
      expect(worst / scale, name).toBeLessThan(1e-5);
    }
  }

  it('the threaded-SIMD build starts, says so, and computes what single-threaded wasm computes (wasm kernels, then BLAS on its shared heap)', () => {
    const single = run({ LIFTGUARD_WASM_THREADS: 'off', LIFTGUARD_BLAS: 'off' });
    expect(single.threads.enabled).toBe(false);
    const threaded = run({ LIFTGUARD_WASM_THREADS: '2', LIFTGUARD_BLAS: 'off' });
    expect(threaded.threads.enabled).toBe(true);
    expect(threaded.threads.count).toBeGreaterThanOrEqual(1);
    expect(threaded.threads.reason).toMatch(/^LIFTGUARD_WASM_THREADS=2; tfjs uses \d+/);
    expectSameValues(threaded, single);
    const threadedBlas = run({ LIFTGUARD_WASM_THREADS: '2' });
    expectSameValues(threadedBlas, single);
  }, 240_000);
});
