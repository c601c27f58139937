import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { loadBlasLibrary, loadDnnlLibrary } from '@liftguard/tensor-blas';
import { initBackend, probeBackends, type BackendStatus } from '../backend.js';
import { accelerateWasm, blasSummary, suspendBlas } from '../blas.js';
import { requiredKernels } from '../required-kernels.js';
import { conformanceCases } from './cases.js';
import { runConformance, type ConformanceReport } from './run-conformance.js';

let report: ConformanceReport;
let statuses: BackendStatus[];

beforeAll(async () => {
  statuses = await probeBackends();
  report = await runConformance();
  await initBackend({ quiet: true });
}, 120_000);

afterAll(async () => {
  await initBackend({ quiet: true });
});

const availableHere = (name: string) => statuses.find((s) => s.name === name)?.available === true;

describe('conformance suite', () => {
  it('covers every kernel the packages rely on', () => {
    const covered = new Set(conformanceCases.flatMap((c) => c.kernels));
    const uncovered = requiredKernels.map((k) => k.kernel).filter((k) => !covered.has(k));
    expect(uncovered).toEqual([]);
  });

  for (const backend of ['cpu', 'wasm', 'tensorflow']) {
    it(`values and gradients agree with the reference and finite differences on ${backend} (skipped when unavailable)`, (ctx) => {
      if (!availableHere(backend)) {
        const reason = statuses.find((s) => s.name === backend)?.reason;
        expect(backend).toBe('tensorflow'); // cpu and wasm ship with @liftguard/tensor
        expect(reason).toMatch(/tfjs-node/);
        ctx.skip(`${backend} unavailable: ${reason}`);
      }
      const results = report.results.filter((r) => r.backend === backend);
      expect(results).toHaveLength(conformanceCases.length);
      const failures = results.filter((r) => !r.passed);
      expect(failures).toEqual([]);
    });
  }

  it('the wasm run above used the BLAS kernels when a BLAS library is installed (CI installs OpenBLAS)', (ctx) => {
    if (!('sgemm' in loadBlasLibrary(undefined))) ctx.skip('no BLAS library on this machine');
    expect(blasSummary().active).toBe(true);
  });

  it('the wasm run above ran the convolutions on oneDNN when it is installed (CI installs libdnnl2)', (ctx) => {
    if (!('forward' in loadDnnlLibrary(undefined))) ctx.skip('no oneDNN library on this machine');
    expect(blasSummary().convolutions).toMatch(/^oneDNN 2\./);
  });

  it('values and gradients also agree with the convolutions on BLAS (LIFTGUARD_DNNL=off)', async (ctx) => {
    if (!('sgemm' in loadBlasLibrary(undefined))) ctx.skip('no BLAS library on this machine');
    process.env.LIFTGUARD_DNNL = 'off';
    try {
      suspendBlas();
      await accelerateWasm();
      expect(blasSummary()).toMatchObject({ active: true, convolutions: null });
      const onBlas = await runConformance({ backends: ['wasm'] });
      expect(onBlas.results.filter((r) => !r.passed)).toEqual([]);
      expect(onBlas.results).toHaveLength(conformanceCases.length);
    } finally {
      delete process.env.LIFTGUARD_DNNL;
      suspendBlas();
      await accelerateWasm();
    }
  }, 120_000);

  it('values and gradients also agree on plain wasm (LIFTGUARD_BLAS=off)', async () => {
    process.env.LIFTGUARD_BLAS = 'off';
    try {
      await accelerateWasm();
      expect(blasSummary().active).toBe(false);
      const plain = await runConformance({ backends: ['wasm'] });
      expect(plain.results.filter((r) => !r.passed)).toEqual([]);
      expect(plain.results).toHaveLength(conformanceCases.length);
    } finally {
      delete process.env.LIFTGUARD_BLAS;
      await accelerateWasm();
    }
  }, 120_000);

  it('detects a wrong gradient (the suite can fail)', async () => {
    const wrong = {
      name: 'square with a wrong gradient',
      kernels: [],
      inputs: [{ shape: [3] }],
      differentiable: true,
      fn: (x: tf.Tensor) => tf.customGrad((a) => ({ value: tf.square(a as tf.Tensor), gradFunc: (dy: tf.Tensor) => tf.mul(dy, a as tf.Tensor) }))(x) as tf.Tensor,
    };
    const result = await runConformance({ backends: ['cpu'], cases: [wrong] });
    expect(result.results[0]!.passed).toBe(false);
    expect(result.results[0]!.finiteDifferenceError).toBeGreaterThan(0.1);
  });
});
