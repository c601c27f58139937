import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, initBackend, probeBackends } from './backend.js';

const tfjsNodeInstalled = async () => (await probeBackends()).find((s) => s.name === 'tensorflow')!.available;

afterEach(async () => {
  delete process.env.LIFTGUARD_BACKEND;
  await initBackend({ quiet: true });
});

describe('initBackend', () => {
  it('prefers tensorflow, else wasm, and says why in one line when it falls back', async () => {
    const lines: string[] = [];
    const info = await initBackend({ log: (line) => lines.push(line) });
    if (await tfjsNodeInstalled()) {
      expect(info.name).toBe('tensorflow');
      expect(lines).toEqual([]);
    } else {
      expect(info.name).toBe('wasm');
      expect(tf.getBackend()).toBe('wasm');
      expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow']);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/using the 'wasm' backend.*@tensorflow\/tfjs-node is not installed/);
      expect(lines[0]).not.toMatch(/\n|at .*\(/);
    }
  });

  it('honours LIFTGUARD_BACKEND, and the option over the variable', async () => {
    process.env.LIFTGUARD_BACKEND = 'cpu';
    expect(await initBackend()).toMatchObject({ name: 'cpu', chosenBy: 'LIFTGUARD_BACKEND' });
    expect(tf.getBackend()).toBe('cpu');
    expect(await initBackend({ backend: 'wasm' })).toMatchObject({ name: 'wasm', chosenBy: 'option' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown name with a list of what is available', async () => {
    const error = await initBackend({ backend: 'cuda' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/unknown backend 'cuda'.*known: tensorflow, wasm, webgl, cpu.*available: .*wasm, cpu/);
  });

  it('rejects an unavailable backend by name with the reason', async (ctx) => {
    if (await tfjsNodeInstalled()) ctx.skip('tfjs-node is installed here');
    process.env.LIFTGUARD_BACKEND = 'tensorflow';
    await expect(initBackend()).rejects.toThrow(
      /backend 'tensorflow' \(from LIFTGUARD_BACKEND\) is unavailable: @tensorflow\/tfjs-node is not installed; available: wasm, cpu/,
    );
  });

  it('rejects webgl in Node with a reason, not a stack trace', async () => {
    await expect(initBackend({ backend: 'webgl' })).rejects.toThrow(/webgl runs in browsers only/);
  });
});
