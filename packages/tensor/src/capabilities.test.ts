import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { capabilityReport, formatCapabilityReport } from './capabilities.js';
import { requiredKernels } from './required-kernels.js';

afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('capability report', () => {
  it('on wasm: SIMD state, our fallbacks named, no gaps', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const report = await capabilityReport();
    expect(report.backend).toBe('wasm');
    expect(typeof report.simd).toBe('boolean');
    expect(report.threads).toEqual({ enabled: false, count: 1 });
    expect(report.kernels).toHaveLength(requiredKernels.length);
    expect(report.gaps).toEqual([]);
    const conv = report.kernels.find((k) => k.kernel === 'Conv2DBackpropFilter')!;
    expect(conv.forward).toBe('fallback');
    expect(report.kernels.find((k) => k.kernel === 'BatchMatMul')!.forward).toBe('native');
    expect(report.kernels.find((k) => k.kernel === 'Conv2DBackpropInput')!.forward).toBe('native');
    expect(report.fallbacks.map((f) => f.kernelName)).toEqual(
      expect.arrayContaining(['BatchMatMul', 'Conv2DBackpropFilter', 'UnsortedSegmentSum']),
    );
    expect(formatCapabilityReport(report)).toMatch(/backend: wasm[\s\S]*gaps: none/);
  });

  it('on cpu: every kernel native, no SIMD/threads notion', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const report = await capabilityReport();
    expect(report.simd).toBeNull();
    expect(report.threads).toBeNull();
    expect(report.fallbacks).toEqual([]);
    expect(report.kernels.every((k) => k.forward === 'native')).toBe(true);
    expect(report.gaps).toEqual([]);
  });
});

describe('kernel corrections', () => {
  it('wrap the tfjs kernels found computing wrong gradients, and the report names them', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const wasm = await capabilityReport();
    expect(wasm.corrections.map((c) => c.kernelName).sort()).toEqual(['AvgPoolGrad', 'MaxPoolGrad']);
    await initBackend({ backend: 'cpu', quiet: true });
    const cpu = await capabilityReport();
    expect(cpu.corrections.map((c) => c.kernelName).sort()).toEqual(['AvgPoolGrad', 'ResizeNearestNeighborGrad']);
    expect(formatCapabilityReport(cpu)).toMatch(/corrected backend kernels:\n {2}AvgPoolGrad: /);
  });
});
