import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, assertNoLeaksAsync, Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { cnnLightSpec } from './builders.js';
import type { ModelSpec } from './layer-spec.js';
import { importPytorchWeights } from './pytorch-import.js';
import { loadPytorchSafetensors } from './pytorch-safetensors-file.js';
import { encodeSafetensors, parseSafetensors } from './safetensors.js';
import { maxAbsDiff, torchForward, type TorchLayer } from './test-support/reference-forward.js';

/** Random PyTorch-layout weights for a conv net (out, in, kh, kw) / (out, in). */
function torchWeights(random: Random, shapes: Record<string, number[]>): Record<string, { shape: number[]; values: Float32Array }> {
  return Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [name, { shape, values: random.uniformArray(shape.reduce((a, b) => a * b, 1), -0.4, 0.4) }]),
  );
}

/** NHWC batch → one CHW example, by index arithmetic. */
function chwExample(x: Float32Array, n: number, [h, w, c]: [number, number, number]): Float32Array {
  const out = new Float32Array(c * h * w);
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let ch = 0; ch < c; ch++) out[(ch * h + y) * w + xx] = x[((n * h + y) * w + xx) * c + ch]!;
  return out;
}

describe('importPytorchWeights', () => {
  it('a 2-channel conv net with stride 2 / padding 1 and a dense layer after flatten matches an NCHW forward pass on the PyTorch weights', () => {
    // Non-square input and 3 channels after the convs make every layout mistake visible.
    const spec: ModelSpec = {
      inputShape: [7, 6, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 1 },
        { type: 'relu' },
        { type: 'conv2d', filters: 4, kernelSize: [2, 3], strides: 1, padding: [1, 1, 0, 0] },
        { type: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 5 },
        { type: 'relu' },
        { type: 'dense', units: 3 },
      ],
    };
    // 7×6 → 4×3 (stride 2, pad 1) → 5×1 (2×3 kernel, pad 1 in height only) → 4·5·1 = 20.
    const w = torchWeights(new Random(1), {
      'features.0.weight': [3, 2, 3, 3],
      'features.0.bias': [3],
      'features.2.weight': [4, 3, 2, 3],
      'features.2.bias': [4],
      'classifier.0.weight': [5, 20],
      'classifier.0.bias': [5],
      'classifier.2.weight': [3, 5],
      'classifier.2.bias': [3],
    });
    const torchLayers: TorchLayer[] = [
      { type: 'conv', weight: w['features.0.weight']!.values, bias: w['features.0.bias']!.values, out: 3, in: 2, k: [3, 3], stride: [2, 2], pad: [1, 1] },
      { type: 'relu' },
      { type: 'conv', weight: w['features.2.weight']!.values, bias: w['features.2.bias']!.values, out: 4, in: 3, k: [2, 3], stride: [1, 1], pad: [1, 0] },
      { type: 'relu' },
      { type: 'flatten' },
      { type: 'linear', weight: w['classifier.0.weight']!.values, bias: w['classifier.0.bias']!.values, out: 5, in: 20 },
      { type: 'relu' },
      { type: 'linear', weight: w['classifier.2.weight']!.values, bias: w['classifier.2.bias']!.values, out: 3, in: 5 },
    ];
    const model = importPytorchWeights(spec, parseSafetensors(encodeSafetensors(w)), { layerNames: ['features.0', 'features.2', 'classifier.0', 'classifier.2'] });
    const xs = new Random(2).uniformArray(4 * 7 * 6 * 2);
    const x = tf.tensor(xs, [4, 7, 6, 2]);
    const logits = assertNoLeaks(() => model.predict(x));
    const got = logits.arraySync();
    for (let n = 0; n < 4; n++) expect(maxAbsDiff(got[n]!, torchForward(torchLayers, chwExample(xs, n, [7, 6, 2]), [2, 7, 6]))).toBeLessThan(1e-5);
    tf.dispose([x, logits]);
    model.dispose();
  });

  it('loads CNNLight from a .safetensors file with PyTorch module names and matches the NCHW forward pass', async () => {
    const w = torchWeights(new Random(3), {
      'conv1.weight': [8, 1, 3, 3],
      'conv1.bias': [8],
      'conv2.weight': [16, 8, 3, 3],
      'conv2.bias': [16],
      'fc1.weight': [50, 784],
      'fc1.bias': [50],
      'fc2.weight': [10, 50],
      'fc2.bias': [10],
    });
    const path = join(mkdtempSync(join(tmpdir(), 'liftguard-st-')), 'cnn_light.safetensors');
    writeFileSync(path, encodeSafetensors(w, { format: 'pt' }));
    await assertNoLeaksAsync(async () => {
      const model = await loadPytorchSafetensors(path, cnnLightSpec(), { layerNames: ['conv1', 'conv2', 'fc1', 'fc2'] });
      expect(model.parameterCount).toBe(41_008);
      const xs = new Random(4).uniformArray(2 * 784);
      const x = tf.tensor(xs, [2, 28, 28, 1]);
      const logits = model.predict(x);
      const got = logits.arraySync();
      const layers: TorchLayer[] = [
        { type: 'conv', weight: w['conv1.weight']!.values, bias: w['conv1.bias']!.values, out: 8, in: 1, k: [3, 3], stride: [2, 2], pad: [1, 1] },
        { type: 'relu' },
        { type: 'conv', weight: w['conv2.weight']!.values, bias: w['conv2.bias']!.values, out: 16, in: 8, k: [3, 3], stride: [2, 2], pad: [1, 1] },
        { type: 'relu' },
        { type: 'flatten' },
        { type: 'linear', weight: w['fc1.weight']!.values, bias: w['fc1.bias']!.values, out: 50, in: 784 },
        { type: 'relu' },
        { type: 'linear', weight: w['fc2.weight']!.values, bias: w['fc2.bias']!.values, out: 10, in: 50 },
      ];
      for (let n = 0; n < 2; n++) expect(maxAbsDiff(got[n]!, torchForward(layers, xs.subarray(n * 784, (n + 1) * 784), [1, 28, 28]))).toBeLessThan(1e-4);
      tf.dispose([x, logits]);
      model.dispose();
    });
  });

  it('names missing tensors, wrong shapes and unused tensors', () => {
    const spec: ModelSpec = { inputShape: [3], layers: [{ type: 'dense', units: 2 }] };
    const ok = { 'fc.weight': { shape: [2, 3], values: new Float32Array(6) }, 'fc.bias': { shape: [2], values: new Float32Array(2) } };
    const tensors = (t: object) => parseSafetensors(encodeSafetensors(t as typeof ok));
    expect(() => importPytorchWeights(spec, tensors({ 'fc.weight': ok['fc.weight'] }), { layerNames: ['fc'] })).toThrow(/no tensor 'fc.bias' \(the file has fc.weight\)/);
    expect(() => importPytorchWeights(spec, tensors({ ...ok, 'fc.weight': { shape: [3, 2], values: new Float32Array(6) } }), { layerNames: ['fc'] })).toThrow(
      /'fc.weight' has shape \[3, 2\], the spec needs \[2, 3\] \(PyTorch layout\)/,
    );
    expect(() => importPytorchWeights(spec, tensors({ ...ok, 'bn.weight': { shape: [1], values: new Float32Array(1) } }), { layerNames: ['fc'] })).toThrow(/tensors not used by any layer: bn.weight/);
    const lenient = importPytorchWeights(spec, tensors({ ...ok, 'bn.weight': { shape: [1], values: new Float32Array(1) } }), { layerNames: ['fc'], strict: false });
    lenient.dispose();
    expect(() => importPytorchWeights(spec, tensors(ok), { layerNames: ['fc', 'fc2'] })).toThrow(/the spec has 1 dense\/conv2d layers, got 2 layer names/);
  });
});
