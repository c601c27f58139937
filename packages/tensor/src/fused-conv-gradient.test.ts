import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { assertNoLeaks } from './memory.js';
import { Random } from './random.js';

type Activation = 'linear' | 'relu' | 'relu6';
interface Case {
  name: string;
  depthwise: boolean;
  x: [number, number, number, number];
  k: [number, number];
  out: number;
  stride: [number, number];
  pad: 'same' | 'valid';
}

const cases: Case[] = [
  { name: 'conv 3×3 stride 1 same, odd sizes', depthwise: false, x: [2, 7, 5, 3], k: [3, 3], out: 5, stride: [1, 1], pad: 'same' },
  { name: 'conv 3×3 stride 2 same (pads bottom/right)', depthwise: false, x: [2, 8, 9, 4], k: [3, 3], out: 6, stride: [2, 2], pad: 'same' },
  { name: 'conv 2×3 strides [2,1] valid', depthwise: false, x: [1, 7, 6, 2], k: [2, 3], out: 3, stride: [2, 1], pad: 'valid' },
  { name: 'pointwise 1×1', depthwise: false, x: [3, 5, 5, 6], k: [1, 1], out: 4, stride: [1, 1], pad: 'valid' },
  { name: 'depthwise 3×3 stride 1 same', depthwise: true, x: [2, 7, 7, 5], k: [3, 3], out: 5, stride: [1, 1], pad: 'same' },
  { name: 'depthwise 3×3 stride 2 same', depthwise: true, x: [2, 9, 8, 4], k: [3, 3], out: 4, stride: [2, 2], pad: 'same' },
  { name: 'depthwise multiplier 2, 3×2 stride 2 valid', depthwise: true, x: [1, 7, 6, 3], k: [3, 2], out: 6, stride: [2, 2], pad: 'valid' },
];

/** The unfused composite the fused kernel must equal: conv, + bias, activation, each with tfjs-core's own gradient. */
function composite(c: Case, activation: Activation, x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  const conv = c.depthwise ? tf.depthwiseConv2d(x, filter, c.stride, c.pad) : tf.conv2d(x, filter, c.stride, c.pad);
  const z = tf.add(conv, bias) as tf.Tensor4D;
  return activation === 'relu' ? tf.relu(z) : activation === 'relu6' ? tf.relu6(z) : z;
}

function fused(c: Case, activation: Activation, x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  return tf.engine().runKernel(c.depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D', { x, filter, bias }, {
    strides: c.stride, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation,
  } as never) as tf.Tensor4D;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i]!)), 0);

afterAll(async () => {
  await initBackend({ quiet: true });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`lazy FusedConv2D / FusedDepthwiseConv2D gradients on ${backend}`, () => {
    it('set up', async () => {
      await initBackend({ backend, quiet: true });
      expect(tf.getBackend()).toBe(backend);
    });
    for (const c of cases) {
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        it(`x, filter and bias gradients equal the unfused ops' (cpu reference): ${c.name}, ${activation}`, async () => {
          const rng = new Random(`${c.name}/${activation}`);
          const filterShape = [c.k[0], c.k[1], c.x[3], c.depthwise ? c.out / c.x[3] : c.out];
          // Scaled so that relu6 clips some outputs at 6 and relu zeroes about half.
          const xValues = rng.normalArray(c.x.reduce((a, b) => a * b, 1), 0, 3);
          const wValues = rng.normalArray(filterShape.reduce((a, b) => a * b, 1));
          const bValues = rng.normalArray(c.out);
          const gradients = (f: typeof fused) => tf.tidy(() => {
            const x = tf.tensor4d(xValues, c.x);
            const filter = tf.tensor4d(wValues, filterShape as [number, number, number, number]);
            const bias = tf.tensor1d(bValues);
            const probe = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
            const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => probe(f(c, activation, xs[0] as tf.Tensor4D, xs[1] as tf.Tensor4D, xs[2] as tf.Tensor1D)))([x, filter, bias]);
            return [value.dataSync()[0]!, ...grads.map((g) => Float32Array.from(g.dataSync()))] as [number, Float32Array, Float32Array, Float32Array];
          });
          const ours = assertNoLeaks(() => gradients(fused));
          await initBackend({ backend: 'cpu', quiet: true });
          const reference = gradients(composite);
          await initBackend({ backend, quiet: true });
          expect(Math.abs(ours[0] - reference[0])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(reference[0])));
          for (let i = 1; i <= 3; i++) expect(maxDiff(ours[i] as Float32Array, reference[i] as Float32Array)).toBeLessThanOrEqual(2e-3);
        });
      }
    }

    it('an input gradient alone runs no filter-gradient kernel, and matches a central difference', async () => {
      const c = cases[1]!;
      const rng = new Random('fd');
      const x = tf.tensor4d(rng.normalArray(c.x.reduce((a, b) => a * b, 1), 0, 3), c.x);
      const filter = tf.tensor4d(rng.normalArray(3 * 3 * 4 * 6), [3, 3, 4, 6]);
      const bias = tf.tensor1d(rng.normalArray(6));
      const raw = tf.tensor4d(rng.normalArray(x.size), c.x);
      const direction = tf.div(raw, tf.norm(raw));
      raw.dispose();
      const loss = (v: tf.Tensor) => tf.sum(tf.square(fused(c, 'relu6', v as tf.Tensor4D, filter, bias)));
      const profile = await tf.profile(() => tf.grad(loss)(x));
      const kernels = profile.kernels.map((k) => k.name);
      expect(kernels).toContain('Conv2DBackpropInput');
      expect(kernels).not.toContain('Conv2DBackpropFilter');
      const gradient = profile.result as tf.Tensor;
      const h = 1e-2;
      const fd = tf.tidy(() => (loss(tf.add(x, tf.mul(direction, h))).dataSync()[0]! - loss(tf.sub(x, tf.mul(direction, h))).dataSync()[0]!) / (2 * h));
      const analytic = tf.tidy(() => tf.sum(tf.mul(gradient, direction)).dataSync()[0]!);
      expect(Math.abs(fd - analytic)).toBeLessThanOrEqual(2e-2 * Math.abs(analytic));
      tf.dispose([x, filter, bias, direction, gradient]);
    });
  });
}
