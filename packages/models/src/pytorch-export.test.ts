import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { cnnLight, mlp } from './builders.js';
import type { ModelSpec } from './layer-spec.js';
import { exportPytorchSafetensors, exportPytorchWeights, hwioToOihw } from './pytorch-export.js';
import { importPytorchWeights, oihwToHwio } from './pytorch-import.js';
import { parseSafetensors } from './safetensors.js';
import { SequentialClassifier } from './sequential-classifier.js';

/** Predictions of `model` on a fixed pseudo-random batch, as plain numbers. */
function logitsOf(model: SequentialClassifier, count: number): Float32Array {
  return tf.tidy(() => model.predict(tf.randomUniform([count, ...model.inputShape], 0, 1, 'float32', 7)).dataSync() as Float32Array);
}

describe('exportPytorchWeights', () => {
  it('a hand-computed conv → flatten → dense case: OIHW kernel and (c, h, w) input order', () => {
    // Input 1×2×2 (h, w, c); a 1×1 conv with 2 filters keeps 1×2×2; flatten gives NHWC order (w0c0, w0c1, w1c0, w1c1).
    const spec: ModelSpec = {
      inputShape: [1, 2, 2],
      layers: [{ type: 'conv2d', filters: 2, kernelSize: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 1 }],
    };
    // Conv kernel [1, 1, in, out] = [w(c0,o0), w(c0,o1), w(c1,o0), w(c1,o1)]; dense rows in NHWC order.
    const model = new SequentialClassifier(spec, [Float32Array.of(1, 2, 3, 4), Float32Array.of(0.5, -0.5), Float32Array.of(5, 6, 7, 8), Float32Array.of(9)]);
    const state = exportPytorchWeights(model, { layerNames: ['conv', 'fc'] });
    expect(Object.keys(state).sort()).toEqual(['conv.bias', 'conv.weight', 'fc.bias', 'fc.weight']);
    // (out, in, kh, kw): [w(o0,c0), w(o0,c1), w(o1,c0), w(o1,c1)].
    expect(state['conv.weight']).toEqual({ shape: [2, 2, 1, 1], values: Float32Array.of(1, 3, 2, 4) });
    expect(state['conv.bias']).toEqual({ shape: [2], values: Float32Array.of(0.5, -0.5) });
    // (out, in) with inputs in (c, h, w) order: (c0,w0)=5, (c0,w1)=7, (c1,w0)=6, (c1,w1)=8.
    expect(state['fc.weight']).toEqual({ shape: [1, 4], values: Float32Array.of(5, 7, 6, 8) });
    expect(state['fc.bias']).toEqual({ shape: [1], values: Float32Array.of(9) });
    model.dispose();
  });

  it('a dense-only model transposes (in, out) to (out, in) and skips absent biases', () => {
    const spec: ModelSpec = { inputShape: [3], layers: [{ type: 'dense', units: 2, useBias: false }] };
    // Kernel [3, 2] rows: in0 → (1, 2), in1 → (3, 4), in2 → (5, 6).
    const model = new SequentialClassifier(spec, [Float32Array.of(1, 2, 3, 4, 5, 6)]);
    expect(exportPytorchWeights(model, { layerNames: ['0'] })).toEqual({ '0.weight': { shape: [2, 3], values: Float32Array.of(1, 3, 5, 2, 4, 6) } });
    model.dispose();
  });

  it('hwioToOihw inverts oihwToHwio on a non-square kernel', () => {
    const w = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    expect(oihwToHwio(hwioToOihw(w, 2, 3, 4, 5), 5, 4, 2, 3)).toEqual(w);
  });

  it.each([
    ['CNNLight', () => cnnLight({ seed: 3 }), ['conv1', 'conv2', 'fc1', 'fc2']],
    ['MLP 784-128-128-10', () => mlp(undefined, { seed: 3 }), ['fc1', 'fc2', 'fc3']],
    [
      'a non-square conv net with asymmetric padding',
      () =>
        SequentialClassifier.create(
          {
            inputShape: [7, 6, 2],
            layers: [
              { type: 'conv2d', filters: 3, kernelSize: 3, strides: 2, padding: 1 },
              { type: 'relu' },
              { type: 'conv2d', filters: 4, kernelSize: [2, 3], padding: [1, 1, 0, 0] },
              { type: 'relu' },
              { type: 'flatten' },
              { type: 'dense', units: 5 },
              { type: 'relu' },
              { type: 'dense', units: 3 },
            ],
          },
          { seed: 5 },
        ),
      ['features.0', 'features.2', 'classifier.0', 'classifier.2'],
    ],
  ] as const)('%s: safetensors export then importPytorchWeights gives bit-identical parameters and predictions', (_, build, layerNames) => {
    const model = build();
    const bytes = assertNoLeaks(() => exportPytorchSafetensors(model, { layerNames, metadata: { format: 'pt' } }));
    const back = importPytorchWeights(model.spec, parseSafetensors(bytes), { layerNames });
    expect(back.parameterValues()).toEqual(model.parameterValues());
    expect(logitsOf(back, 4)).toEqual(logitsOf(model, 4));
    model.dispose();
    back.dispose();
  });

  it('refuses a layer-name list of the wrong length or with duplicates', () => {
    const model = cnnLight();
    expect(() => exportPytorchWeights(model, { layerNames: ['a', 'b'] })).toThrow(/4 dense\/conv2d layers, got 2/);
    expect(() => exportPytorchWeights(model, { layerNames: ['a', 'b', 'c', 'a'] })).toThrow(/distinct/);
    model.dispose();
  });
});
