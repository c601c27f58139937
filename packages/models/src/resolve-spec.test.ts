import { describe, expect, it } from 'vitest';
import { cnnLightSpec, cnnSpec, mlpSpec } from './builders.js';
import { resolveSpec } from './resolve-spec.js';

// Parameter counts from the architectures written out by hand: weights + biases per layer.
const conv = (cin: number, cout: number, k: number) => cin * cout * k * k + cout;
const dense = (fanIn: number, units: number) => fanIn * units + units;

describe('parameter counts', () => {
  it('MLP 784-128-128-10', () => {
    expect(resolveSpec(mlpSpec()).parameterCount).toBe(dense(784, 128) + dense(128, 128) + dense(128, 10));
    expect(resolveSpec(mlpSpec([5, 3])).parameterCount).toBe(18);
  });

  it('CNNLight has 41,008 parameters and CNN 162,710 (CUTTING_PLANE.md §5)', () => {
    // 28 → 14 → 7 with 3×3 kernels, stride 2, padding 1.
    expect(conv(1, 8, 3) + conv(8, 16, 3) + dense(7 * 7 * 16, 50) + dense(50, 10)).toBe(41_008);
    expect(resolveSpec(cnnLightSpec()).parameterCount).toBe(41_008);
    expect(conv(1, 16, 3) + conv(16, 32, 3) + dense(7 * 7 * 32, 100) + dense(100, 10)).toBe(162_710);
    expect(resolveSpec(cnnSpec()).parameterCount).toBe(162_710);
  });

  it('shapes follow the conv arithmetic floor((n + pads − k) / s) + 1', () => {
    const { layers, parameters } = resolveSpec(cnnLightSpec());
    expect(layers.map((l) => l.outputShape)).toEqual([[14, 14, 8], [14, 14, 8], [7, 7, 16], [7, 7, 16], [784], [50], [50], [10]]);
    expect(parameters.map((p) => p.shape)).toEqual([[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 50], [50], [50, 10], [10]]);
    expect(layers[5]!.flattenedFrom).toEqual([7, 7, 16]);
    const asym = resolveSpec({ inputShape: [5, 6, 1], layers: [{ type: 'conv2d', filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: [1, 0, 2, 1] }, { type: 'flatten' }] });
    // Height: floor((5 + 1 + 0 − 3) / 2) + 1 = 2; width: floor((6 + 2 + 1 − 2) / 1) + 1 = 8.
    expect(asym.layers[0]!.outputShape).toEqual([2, 8, 2]);
    expect(resolveSpec({ inputShape: [5, 7, 1], layers: [{ type: 'conv2d', filters: 1, kernelSize: 3, strides: 2, padding: 'same' }, { type: 'flatten' }] }).layers[0]!.outputShape).toEqual([3, 4, 1]);
  });
});

describe('impossible specs', () => {
  it('name the layer and the problem', () => {
    expect(() => resolveSpec({ inputShape: [4, 4, 1], layers: [{ type: 'dense', units: 3 }] })).toThrow(/layer 0 \(dense\) needs a flat input, got \[4, 4, 1\]; add a flatten layer first/);
    expect(() => resolveSpec({ inputShape: [2, 2, 1], layers: [{ type: 'conv2d', filters: 1, kernelSize: 3 }, { type: 'flatten' }] })).toThrow(/layer 0 \(conv2d\): a 3×3 kernel does not fit the padded 2×2 input/);
    expect(() => resolveSpec({ inputShape: [4, 4, 1], layers: [{ type: 'conv2d', filters: 1, kernelSize: 3, padding: -1 }] })).toThrow(/padding must be/);
    expect(() => resolveSpec({ inputShape: [4], layers: [{ type: 'dense', units: 0 }] })).toThrow(/units must be a positive integer, got 0/);
    expect(() => resolveSpec({ inputShape: [4], layers: [{ type: 'softmax' } as never] })).toThrow(/unknown layer type/);
    expect(() => resolveSpec({ inputShape: [4, 4, 1], layers: [{ type: 'conv2d', filters: 2, kernelSize: 1 }] })).toThrow(/must output logits/);
    expect(() => resolveSpec({ inputShape: [Number.NaN], layers: [{ type: 'dense', units: 2 }] })).toThrow(/inputShape\[0\] must be a positive integer, got NaN/);
    expect(() => resolveSpec({ inputShape: [3], layers: [] })).toThrow(/at least one layer/);
  });
});
