import { describe, expect, it } from 'vitest';
import { cnnLightSpec, mlpSpec } from './builders.js';
import { initialValues } from './initializers.js';
import { resolveSpec } from './resolve-spec.js';

function moments(values: Float32Array): { mean: number; std: number; min: number; max: number } {
  let sum = 0;
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    squares += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(squares / values.length - mean * mean), min, max };
}

const [w0, b0, w1, , w2] = resolveSpec(mlpSpec()).parameters as unknown as Parameters<typeof initialValues>[0][];

describe('initializations', () => {
  it('lifted: W0 ~ N(0,1)/28, W_k ~ N(0,1)/√128, zero biases (LIFTED.md §4)', () => {
    // 100,352 samples: the sample std is within ~0.5% of the true one; allow 2%.
    const first = moments(initialValues(w0!, 'lifted', 1));
    expect(Math.abs(first.std - 1 / 28) / (1 / 28)).toBeLessThan(0.02);
    expect(Math.abs(first.mean)).toBeLessThan(3 * (1 / 28) / Math.sqrt(100_352));
    const hidden = moments(initialValues(w1!, 'lifted', 1));
    expect(Math.abs(hidden.std - 1 / Math.sqrt(128)) * Math.sqrt(128)).toBeLessThan(0.03);
    expect(Math.abs(moments(initialValues(w2!, 'lifted', 1)).std * Math.sqrt(128) - 1)).toBeLessThan(0.1);
    expect(initialValues(b0!, 'lifted', 1).every((v) => v === 0)).toBe(true);
  });

  it('pytorch: weights and biases uniform in ±1/√fanIn (conv fanIn = kh·kw·in)', () => {
    const conv2 = resolveSpec(cnnLightSpec()).parameters[2]!;
    expect(conv2.fanIn).toBe(72);
    const w = moments(initialValues(conv2, 'pytorch', 3));
    const bound = 1 / Math.sqrt(72);
    expect(w.min).toBeGreaterThanOrEqual(-bound);
    expect(w.max).toBeLessThan(bound);
    // U(−a, a) has std a/√3; 1,152 samples.
    expect(Math.abs(w.std - bound / Math.sqrt(3)) / (bound / Math.sqrt(3))).toBeLessThan(0.08);
    const b = initialValues(b0!, 'pytorch', 3);
    expect(b.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...b.map(Math.abs))).toBeLessThan(1 / 28);
  });

  it('he-normal and glorot-uniform have their textbook scales', () => {
    expect(Math.abs(moments(initialValues(w0!, 'he-normal', 4)).std - Math.sqrt(2 / 784)) / Math.sqrt(2 / 784)).toBeLessThan(0.02);
    const g = moments(initialValues(w0!, 'glorot-uniform', 4));
    expect(g.max).toBeLessThan(Math.sqrt(6 / (784 + 128)));
    expect(Math.abs(g.std - Math.sqrt(2 / (784 + 128))) / Math.sqrt(2 / (784 + 128))).toBeLessThan(0.02);
  });

  it('each parameter has its own stream; unknown names are an error', () => {
    expect(initialValues(w1!, 'lifted', 9).subarray(0, 4)).not.toEqual(initialValues(w0!, 'lifted', 9).subarray(0, 4));
    expect(initialValues(w1!, 'lifted', 9)).toEqual(initialValues(w1!, 'lifted', 9));
    expect(() => initialValues(w1!, 'xavier' as never, 1)).toThrow(/unknown initialization 'xavier'/);
  });
});
