import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { assertNoLeaks } from '../memory.js';
import { Random } from '../random.js';
import { installedFallbacks } from './install-fallbacks.js';

type Pad = [[number, number], [number, number], [number, number], [number, number]];

// y[n,i,j,c·M+m] = Σ_{u,v} x[n, s·i+u−top, s·j+v−left, c]·W[u,v,c,m]; both gradients by the definition.
function oracle(x: Float32Array, xShape: number[], w: Float32Array, wShape: number[], dy: Float32Array, outShape: number[], stride: number[], pad: number[]) {
  const [b, h, wd, c] = xShape as [number, number, number, number];
  const [kh, kw, , m] = wShape as [number, number, number, number];
  const [, oh, ow] = outShape as [number, number, number];
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  for (let n = 0; n < b; n++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let ci = 0; ci < c; ci++) for (let mi = 0; mi < m; mi++) {
    const g = dy[((n * oh + i) * ow + j) * c * m + ci * m + mi]!;
    for (let u = 0; u < kh; u++) for (let v = 0; v < kw; v++) {
      const y = i * stride[0]! + u - pad[0]!;
      const z = j * stride[1]! + v - pad[1]!;
      if (y < 0 || y >= h || z < 0 || z >= wd) continue;
      const xi = ((n * h + y) * wd + z) * c + ci;
      const wi = ((u * kw + v) * c + ci) * m + mi;
      dx[xi]! += g * w[wi]!;
      dw[wi]! += g * x[xi]!;
    }
  }
  return { dx, dw };
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((worst, v, i) => Math.max(worst, Math.abs(v - b[i]!)), 0);

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('depthwise conv gradients on wasm', () => {
  it('are installed (wasm has neither kernel)', () => {
    const names = installedFallbacks('wasm').map((f) => f.kernelName);
    expect(names).toContain('DepthwiseConv2dNativeBackpropInput');
    expect(names).toContain('DepthwiseConv2dNativeBackpropFilter');
  });

  const cases = [
    { name: 'MobileNet block: 3×3 stride 1 same, 16 channels', x: [2, 9, 9, 16], k: [3, 3], m: 1, stride: [1, 1], pad: 'same' as const, offsets: [1, 1] },
    { name: 'MobileNet downsampling: 3×3 stride 2 same (pads bottom/right only)', x: [2, 10, 10, 8], k: [3, 3], m: 1, stride: [2, 2], pad: 'same' as const, offsets: [0, 0] },
    { name: 'multiplier 3, strides [2,1], valid', x: [1, 7, 6, 2], k: [3, 2], m: 3, stride: [2, 1], pad: 'valid' as const, offsets: [0, 0] },
    { name: 'stride 2 valid, odd sizes', x: [2, 9, 7, 3], k: [3, 3], m: 1, stride: [2, 2], pad: 'valid' as const, offsets: [0, 0] },
    { name: 'strides [2, 1] same, odd sizes', x: [1, 7, 8, 4], k: [3, 3], m: 1, stride: [2, 1], pad: 'same' as const, offsets: [1, 1] },
    { name: '5×5 stride 2 same, odd size', x: [2, 11, 11, 3], k: [5, 5], m: 1, stride: [2, 2], pad: 'same' as const, offsets: [2, 2] },
    { name: '3×3 stride 3 valid', x: [1, 10, 9, 2], k: [3, 3], m: 1, stride: [3, 3], pad: 'valid' as const, offsets: [0, 0] },
    { name: 'explicit padding wider than the filter (direct-loop path)', x: [1, 4, 4, 2], k: [2, 2], m: 1, stride: [1, 1], pad: [[0, 0], [3, 0], [0, 2], [0, 0]] as Pad, offsets: [3, 0] },
  ];
  for (const c of cases) {
    it(`match the definition: ${c.name}`, () => {
      const rng = new Random(c.name);
      const wShape = [c.k[0]!, c.k[1]!, c.x[3]!, c.m];
      const xValues = rng.normalArray(c.x.reduce((a, b) => a * b, 1));
      const wValues = rng.normalArray(wShape.reduce((a, b) => a * b, 1));
      assertNoLeaks(() => tf.tidy(() => {
        const x = tf.tensor4d(xValues, c.x as [number, number, number, number]);
        const w = tf.tensor4d(wValues, wShape as [number, number, number, number]);
        const y = tf.depthwiseConv2d(x, w, c.stride as [number, number], c.pad);
        const dyValues = rng.normalArray(y.size);
        const dy = tf.tensor(dyValues, y.shape);
        const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride as [number, number], c.pad), dy)))([x, w]);
        // tfjs 'same' puts the odd pixel of padding at the bottom/right: top = floor(total / 2).
        const expected = oracle(xValues, c.x, wValues, wShape, dyValues, y.shape, c.stride, c.offsets);
        expect(maxDiff(dx!.dataSync(), expected.dx)).toBeLessThan(1e-4);
        expect(maxDiff(dw!.dataSync(), expected.dw)).toBeLessThan(1e-3);
      }));
    });
  }
});
