import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { convUsesBlas, loadBlasLibrary, loadDnnlLibrary } from '@liftguard/tensor-blas';
import { initBackend } from './backend.js';
import { accelerateWasm, blasSummary, suspendBlas } from './blas.js';
import { capabilityReport } from './capabilities.js';
import { tensorEnvironment } from './environment.js';
import { nativeLoops } from './native-loops.js';
import { assertNoLeaks } from './memory.js';
import { Random } from './random.js';

// CI installs libopenblas0-pthread; elsewhere the accelerated checks are skipped, the plain ones run.
const libraryHere = 'sgemm' in loadBlasLibrary(undefined);
const dnnlHere = 'forward' in loadDnnlLibrary(undefined);
const rng = new Random(11);

/** Runs `fn` on cpu (the reference) and on wasm, returning both outputs' values. */
async function onCpuAndWasm(fn: () => tf.Tensor | tf.Tensor[]): Promise<[Float32Array[], Float32Array[]]> {
  const run = () => tf.tidy(() => [fn()].flat().map((t) => Float32Array.from(t.dataSync())));
  await initBackend({ backend: 'cpu', quiet: true });
  const reference = run();
  await initBackend({ backend: 'wasm', quiet: true });
  let values: Float32Array[] = [];
  assertNoLeaks(() => {
    values = run();
  });
  return [reference, values];
}

function expectClose(actual: Float32Array[], expected: Float32Array[], tolerance = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    expect(a.length).toBe(e.length);
    const scale = Math.max(1, ...e.map(Math.abs));
    const worst = a.reduce((m, v, j) => Math.max(m, Math.abs(v - e[j]!)), 0);
    expect(worst / scale).toBeLessThan(tolerance);
  });
}

const values = (shape: number[]) => rng.normalArray(shape.reduce((p, d) => p * d, 1));

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

/** Conv2D values, both gradients and the fused kernel against cpu, on shapes wide enough for BLAS. */
function convolutionChecks(): void {
  for (const [name, xShape, wShape, strides, pad] of [
    ['3×3 same', [2, 12, 12, 32], [3, 3, 32, 64], 1, 'same'],
    ['3×3 stride 2, explicit pad 1', [4, 16, 16, 32], [3, 3, 32, 32], 2, [[0, 0], [1, 1], [1, 1], [0, 0]]],
    ['5×3 valid, strides [1, 2]', [4, 20, 16, 16], [5, 3, 16, 40], [1, 2], 'valid'],
    ['1×1 pointwise', [4, 8, 8, 128], [1, 1, 128, 96], 1, 'valid'],
  ] as const) {
    it(`conv2d ${name}: value, input and filter gradients, fused bias + relu equal cpu`, async () => {
      // Sizes chosen so that the BLAS path runs, not the thin-conv hand-over.
      const info = tf.backend_util.computeConv2DInfo([...xShape], [...wShape], strides as [number, number], 1, pad as 'same');
      expect(convUsesBlas(info)).toBe(true);
      const x = values([...xShape]);
      const w = values([...wShape]);
      const bias = values([wShape[3]]);
      let weights: Float32Array | undefined;
      const [reference, actual] = await onCpuAndWasm(() => {
        const tx = tf.tensor4d(x, [...xShape]);
        const tw = tf.tensor4d(w, [...wShape]);
        const conv = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, strides as [number, number], pad as 'same');
        const y = conv(tx, tw);
        weights ??= values(y.shape); // the same on both backends
        const ty = tf.tensor(weights, y.shape);
        const [dx, dw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.mul(conv(xx, ww), ty)))([tx, tw]);
        const fused = tf.fused.conv2d({ x: tx, filter: tw, strides: strides as [number, number], pad: pad as 'same', bias: tf.tensor1d(bias), activation: 'relu' });
        return [y, dx!, dw!, fused];
      });
      expectClose(actual, reference, 2e-5);
    });
  }
}

describe.skipIf(!libraryHere)('wasm with BLAS kernels (a BLAS library is installed here)', () => {
  it('initBackend puts them on wasm and the reports name the library', async () => {
    const blas = blasSummary();
    expect(blas.active).toBe(true);
    expect(blas.kernels).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect((await capabilityReport()).blas?.library).toBe(blas.library);
    const native = [blas.library, blas.convolutions, blas.loops].filter((part) => part != null).join(' + ');
    expect(tensorEnvironment()).toEqual({ backend: 'wasm', blas: native, summary: `wasm + ${native}` });
    // The compiled loops come with the package's build: the APGD step reaches them through nativeLoops().
    expect(nativeLoops() !== null).toBe(blas.loops === 'compiled loops');
    if (process.env.CI === 'true') expect(blas.loops).toBe('compiled loops');
  });

  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`batched matMul (batch 3, and broadcast against an unbatched side) transposeA=${tA} transposeB=${tB} equals cpu`, async () => {
      const a = values([3, 9, 13]);
      const b = values([3, 13, 7]);
      const b1 = values([13, 7]);
      const [reference, actual] = await onCpuAndWasm(() => {
        const ta = tf.tensor3d(a, tA ? [3, 13, 9] : [3, 9, 13]);
        const tb = tf.tensor3d(b, tB ? [3, 7, 13] : [3, 13, 7]);
        const tb1 = tf.tensor3d(b1, tB ? [1, 7, 13] : [1, 13, 7]);
        const ta1 = tf.tensor3d(a.subarray(0, 117), tA ? [1, 13, 9] : [1, 9, 13]);
        return [tf.matMul(ta, tb, tA, tB), tf.matMul(ta, tb1, tA, tB), tf.matMul(ta1, tb, tA, tB)];
      });
      expectClose(actual, reference);
    });
  }

  it('an output that makes the wasm heap grow is written to the new heap (closed form: ones · ones = k)', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
    const before = heap();
    // The output alone is larger than the heap before, so allocating it must grow (and replace) the buffer.
    const rows = Math.ceil(before / 4 / 1024) + 256;
    const result = assertNoLeaks(() =>
      tf.tidy(() => {
        const y = tf.matMul(tf.ones([rows, 8]), tf.ones([8, 1024]));
        return [tf.min(y).dataSync()[0], tf.max(y).dataSync()[0]];
      }),
    );
    expect(heap()).toBeGreaterThan(before);
    expect(result).toEqual([8, 8]);
  });

  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const) {
    it(`fused matMul + bias + ${activation} equals cpu (per-channel and scalar bias)`, async () => {
      // 64·32·40 multiply-adds: above minBlasMatMulWork, so BLAS runs it (plain wasm refuses the scalar bias).
      const a = values([64, 40]);
      const b = values([32, 40]);
      const bias = values([32]);
      const alpha = values([32]);
      const [reference, actual] = await onCpuAndWasm(() => {
        const args = { a: tf.tensor2d(a, [64, 40]), b: tf.tensor2d(b, [32, 40]), transposeB: true, activation, leakyreluAlpha: 0.1 };
        const prelu = activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alpha) } : {};
        return [
          tf.fused.matMul({ ...args, ...prelu, bias: tf.tensor1d(bias) }),
          tf.fused.matMul({ ...args, ...prelu, bias: tf.scalar(0.3) }),
        ];
      });
      expectClose(actual, reference);
    });
  }

  it('batch dims broadcast both ways ([2,1]·[1,3]) are handed to the previous kernel and still right', async () => {
    const a = values([2, 1, 4, 5]);
    const b = values([1, 3, 5, 4]);
    const [reference, actual] = await onCpuAndWasm(() => tf.matMul(tf.tensor4d(a, [2, 1, 4, 5]), tf.tensor4d(b, [1, 3, 5, 4])));
    expectClose(actual, reference);
  });

  convolutionChecks();
});

describe.skipIf(!libraryHere)('convolutions on BLAS (im2col + GEMM) when oneDNN is off (LIFTGUARD_DNNL=off)', () => {
  beforeAll(async () => {
    process.env.LIFTGUARD_DNNL = 'off';
    suspendBlas();
    await accelerateWasm();
  });
  afterAll(async () => {
    delete process.env.LIFTGUARD_DNNL;
    suspendBlas();
    await accelerateWasm();
  });

  it('the status says the convolutions are on BLAS and why', () => {
    const blas = blasSummary();
    expect(blas).toMatchObject({ active: true, convolutions: null });
    expect(blas.kernels).toEqual(expect.arrayContaining(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(blas.reason).toMatch(/convolutions on BLAS: turned off by LIFTGUARD_DNNL=off/);
  });

  convolutionChecks();

  describe('fused conv2d epilogues (bias as the GEMM initial C, relu/relu6 as the backend kernel)', () => {
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'prelu'] as const) {
    it(`${activation}: per-channel, scalar and no bias, 1×1 and 3×3 stride 2, equal cpu`, async () => {
      const cases = [
        { xShape: [4, 9, 9, 128], wShape: [1, 1, 128, 96], strides: 1, pad: 'valid' as const },
        { xShape: [4, 17, 15, 32], wShape: [3, 3, 32, 64], strides: 2, pad: 'same' as const },
      ];
      for (const c of cases) {
        const info = tf.backend_util.computeConv2DInfo(c.xShape as [number, number, number, number], c.wShape as [number, number, number, number], c.strides, 1, c.pad);
        expect(convUsesBlas(info)).toBe(true);
      }
      const inputs = cases.map((c) => ({ x: values(c.xShape), w: values(c.wShape), bias: values([c.wShape[3]!]), alpha: values([c.wShape[3]!]) }));
      const [reference, actual] = await onCpuAndWasm(() =>
        cases.flatMap((c, i) => {
          const { x, w, bias, alpha } = inputs[i]!;
          const args = {
            x: tf.tensor4d(x, c.xShape as [number, number, number, number]),
            filter: tf.tensor4d(w, c.wShape as [number, number, number, number]),
            strides: c.strides,
            pad: c.pad,
            activation,
            leakyreluAlpha: 0.1,
            ...(activation === 'prelu' ? { preluActivationWeights: tf.tensor1d(alpha) } : {}),
          };
          return [tf.fused.conv2d({ ...args, bias: tf.tensor1d(bias) }), tf.fused.conv2d({ ...args, bias: tf.scalar(0.3) }), tf.fused.conv2d(args)];
        }),
      );
      expectClose(actual, reference, 2e-5);
    });
  }
  });
});

describe('the plain wasm path', () => {
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const report = (env: Record<string, string>) =>
    JSON.parse(execFileSync(process.execPath, [cli, '--json'], { env: { ...process.env, LIFTGUARD_BACKEND: 'wasm', ...env }, encoding: 'utf8' })) as { blas: { active: boolean; reason: string; kernels: string[] } };

  it('LIFTGUARD_BLAS=off keeps the wasm kernels and the capability report says so in one line', () => {
    const { blas } = report({ LIFTGUARD_BLAS: 'off' });
    expect(blas).toMatchObject({ active: false, reason: 'turned off by LIFTGUARD_BLAS=off', kernels: [] });
  });

  it('an unloadable LIFTGUARD_BLAS path falls back to wasm with the loader error as the reason, never a crash', () => {
    const { blas } = report({ LIFTGUARD_BLAS: '/nonexistent/libopenblas.so.0', LIFTGUARD_DNNL: 'off', LIFTGUARD_LOOPS: 'off' });
    expect(blas.active).toBe(false);
    expect(blas.reason).toMatch(/^LIFTGUARD_BLAS=\/nonexistent\/libopenblas\.so\.0 could not be used \(.+\); convolutions on wasm: turned off by LIFTGUARD_DNNL=off; compiled loops: turned off by LIFTGUARD_LOOPS=off$/);
  });

  it.skipIf(!dnnlHere)('without BLAS, oneDNN still takes the convolutions and the reason names what is missing', () => {
    const { blas } = report({ LIFTGUARD_BLAS: '/nonexistent/libopenblas.so.0' });
    expect(blas.active).toBe(true);
    expect(blas.kernels).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
    expect(blas.kernels).not.toContain('BatchMatMul');
    expect(blas.reason).toMatch(/ on oneDNN 2\.\d+\.\d+; (LiftGuardAdamStep, LiftGuardMaxAbsDifferences, LiftGuardGramPowerIterations, LiftGuardLinfStep on compiled loops; )?LIFTGUARD_BLAS=\/nonexistent\/libopenblas\.so\.0 could not be used \(.+\)$/);
  });

  it.skipIf(!libraryHere)('without the variable the same process setup picks BLAS up', () => {
    expect(report({}).blas.active).toBe(true);
  });
});
