import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { assertNoLeaks } from '../memory.js';
import { installedFallbacks } from './install-fallbacks.js';
import { nativeLoops, setNativeLoops } from '../native-loops.js';

const special = [3.5, -2, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -1e-45, 1e-38, -3.4e38];

/** Sign of `values` on a backend, as plain numbers. */
async function signOn(backend: 'cpu' | 'wasm', values: number[] | Float32Array): Promise<number[]> {
  await initBackend({ backend, quiet: true });
  return assertNoLeaks(() => tf.tidy(() => Array.from(tf.sign(tf.tensor1d(values)).dataSync())));
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('Sign on wasm as one pass over the heap', () => {
  it('is installed', () => {
    expect(installedFallbacks('wasm').map((f) => f.kernelName)).toContain('Sign');
  });

  it('equals the closed form on ±0, NaN, ±∞ and subnormals, as the cpu backend does', async () => {
    const expected = special.map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0));
    expect(await signOn('wasm', special)).toEqual(expected);
    expect(await signOn('cpu', special)).toEqual(expected);
  });

  it('a large input matches cpu value for value', async () => {
    const values = Float32Array.from({ length: 400_000 }, (_, i) => Math.sin(i * 0.37) * (i % 7 === 0 ? 0 : 1));
    const [wasm, cpu] = [await signOn('wasm', values), await signOn('cpu', values)];
    expect(wasm.length).toBe(values.length);
    expect(wasm.filter((v, i) => v !== cpu[i]).length).toBe(0);
  });

  it('the compiled loop (with @liftguard/tensor-blas\' loops) and the JavaScript pass agree value for value', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    if (process.env.CI === 'true') expect(nativeLoops()?.sign).toBeDefined();
    const values = Float32Array.from([...special, ...Array.from({ length: 100_003 }, (_, i) => Math.cos(i * 1.7) * (i % 5 === 0 ? 0 : 1))]);
    const compiled = await signOn('wasm', values);
    setNativeLoops(null);
    try {
      expect(await signOn('wasm', values)).toEqual(compiled);
    } finally {
      setNativeLoops(undefined);
    }
    expect(compiled.slice(0, special.length)).toEqual(special.map((v) => (v > 0 ? 1 : v < 0 ? -1 : 0)));
  });

  it('int32 input goes to the native kernel', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const result = assertNoLeaks(() => tf.tidy(() => Array.from(tf.sign(tf.tensor1d([-3, 0, 5], 'int32')).dataSync())));
    expect(result).toEqual([-1, 0, 1]);
  });
});
