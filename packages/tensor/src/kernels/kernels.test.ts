import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { installedFallbacks, installFallbacks, uninstallFallbacks } from './install-fallbacks.js';
import { subPixelPlan } from './sub-pixel-input-gradient.js';
import { conv2dBackpropFilterKernel } from './conv2d-backprop-filter.js';
import { assertNoLeaks } from '../memory.js';
import { Random } from '../random.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

// Direct definition of the conv2d filter gradient, written independently of im2col.
function conv2dFilterGradientOracle(
  x: Float32Array, xShape: number[], dy: Float32Array, dyShape: number[],
  filter: [number, number], stride: [number, number], pad: [number, number],
): Float32Array {
  const [b, h, w, c] = xShape as [number, number, number, number];
  const [, oh, ow, o] = dyShape as [number, number, number, number];
  const [fh, fw] = filter;
  const out = new Float32Array(fh * fw * c * o);
  for (let i = 0; i < fh; i++) for (let j = 0; j < fw; j++) for (let ci = 0; ci < c; ci++) for (let co = 0; co < o; co++) {
    let s = 0;
    for (let n = 0; n < b; n++) for (let y = 0; y < oh; y++) for (let x0 = 0; x0 < ow; x0++) {
      const iy = y * stride[0] + i - pad[0];
      const ix = x0 * stride[1] + j - pad[1];
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      s += x[((n * h + iy) * w + ix) * c + ci]! * dy[((n * oh + y) * ow + x0) * o + co]!;
    }
    out[((i * fw + j) * c + ci) * o + co] = s;
  }
  return out;
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});
afterAll(async () => {
  await initBackend({ quiet: true });
});

describe('Conv2DBackpropFilter on wasm', () => {
  const cases = [
    { name: 'stride 2, explicit pad 1 (PyTorch style)', x: [3, 7, 7, 2], f: [3, 3], o: 4, stride: [2, 2], pad: [1, 1], tfPad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    { name: 'stride 1, same', x: [2, 5, 6, 3], f: [3, 3], o: 2, stride: [1, 1], pad: [1, 1], tfPad: 'same' },
    { name: 'strides [1,2], valid, 2x3 filter', x: [2, 6, 7, 1], f: [2, 3], o: 3, stride: [1, 2], pad: [0, 0], tfPad: 'valid' },
    { name: 'stride 3, valid, last input row unread (im2col path)', x: [2, 9, 9, 2], f: [2, 2], o: 3, stride: [3, 3], pad: [0, 0], tfPad: 'valid' },
    { name: 'CNN conv2: stride 2, pad 1, 16 → 32 channels', x: [4, 14, 14, 16], f: [3, 3], o: 32, stride: [2, 2], pad: [1, 1], tfPad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
  ] as const;
  for (const c of cases) {
    it(`matches the direct sum, through the dilated conv and through im2col: ${c.name}`, () => {
      const rng = new Random(c.name);
      const xValues = rng.normalArray(c.x.reduce((a: number, b: number) => a * b, 1));
      assertNoLeaks(() => tf.tidy(() => {
        const x = tf.tensor4d(xValues, [...c.x]);
        const filterShape: [number, number, number, number] = [c.f[0], c.f[1], c.x[3], c.o];
        const y = tf.conv2d(x, tf.zeros(filterShape), [...c.stride], c.tfPad as 'same');
        const dyValues = rng.normalArray(y.size);
        const dy = tf.tensor4d(dyValues, y.shape);
        // d/dW Σ conv(x, W) ⊙ dy runs the Conv2DBackpropFilter kernel with that dy
        const dw = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, w as tf.Tensor4D, [...c.stride], c.tfPad as 'same'), dy)))(tf.zeros(filterShape));
        expect(dw.shape).toEqual(filterShape);
        const expected = conv2dFilterGradientOracle(xValues, [...c.x], dyValues, y.shape, [c.f[0], c.f[1]], [...c.stride], [...c.pad]);
        const im2col = conv2dBackpropFilterKernel('wasm', { preferConv: false }).kernelFunc({
          inputs: { x, dy },
          backend: tf.backend(),
          attrs: { strides: [...c.stride], pad: c.tfPad, dataFormat: 'NHWC', filterShape },
        }) as tf.TensorInfo;
        const viaIm2col = tf.engine().makeTensorFromTensorInfo(im2col);
        for (const got of [dw.dataSync(), viaIm2col.dataSync()]) {
          for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
        }
      }), c.name);
    });
  }
});

// Direct definition of the conv2d input gradient, written independently of the phase decomposition.
function conv2dInputGradientOracle(
  dy: Float32Array, dyShape: number[], w: Float32Array, filterShape: number[], inputShape: number[],
  stride: [number, number], pad: [number, number],
): Float32Array {
  const [b, oh, ow, o] = dyShape as [number, number, number, number];
  const [kh, kw, c] = filterShape as [number, number, number, number];
  const [, h, wd] = inputShape as [number, number, number, number];
  const dx = new Float32Array(b * h * wd * c);
  for (let n = 0; n < b; n++) for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const iy = y * stride[0] + i - pad[0];
    const ix = x * stride[1] + j - pad[1];
    if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
    for (let ci = 0; ci < c; ci++) for (let co = 0; co < o; co++) {
      dx[((n * h + iy) * wd + ix) * c + ci]! += dy[((n * oh + y) * ow + x) * o + co]! * w[((i * kw + j) * c + ci) * o + co]!;
    }
  }
  return dx;
}

describe('Conv2DBackpropInput on wasm (sub-pixel phases through one Conv2D)', () => {
  const cases = [
    { name: 'stride 2, explicit pad 1 (PyTorch style), odd input cropped', x: [3, 7, 7, 2], f: [3, 3], o: 4, stride: [2, 2], pad: [1, 1], tfPad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    { name: 'stride 2, explicit pad 1, input = 2 × output (CNNLight)', x: [2, 8, 8, 3], f: [3, 3], o: 5, stride: [2, 2], pad: [1, 1], tfPad: [[0, 0], [1, 1], [1, 1], [0, 0]] },
    { name: 'stride 2, same (pad 0 before, 1 after)', x: [2, 8, 6, 2], f: [3, 3], o: 3, stride: [2, 2], pad: [0, 0], tfPad: 'same' },
    { name: 'stride 1, same', x: [2, 5, 6, 3], f: [3, 3], o: 2, stride: [1, 1], pad: [1, 1], tfPad: 'same' },
    { name: 'strides [1,2], valid, 2x3 filter', x: [2, 6, 7, 1], f: [2, 3], o: 3, stride: [1, 2], pad: [0, 0], tfPad: 'valid' },
    { name: 'stride 3, valid, 2x2 filter (rows never seen get zero)', x: [1, 8, 8, 2], f: [2, 2], o: 2, stride: [3, 3], pad: [0, 0], tfPad: 'valid' },
    { name: 'stride 2, 5x5 filter, explicit pad 2', x: [2, 9, 10, 2], f: [5, 5], o: 3, stride: [2, 2], pad: [2, 2], tfPad: [[0, 0], [2, 2], [2, 2], [0, 0]] },
    { name: 'stride 2, 1x1 filter', x: [2, 6, 5, 3], f: [1, 1], o: 2, stride: [2, 2], pad: [0, 0], tfPad: 'valid' },
    { name: 'padding wider than the filter (backend kernel fallback)', x: [1, 5, 5, 1], f: [3, 3], o: 2, stride: [2, 2], pad: [3, 3], tfPad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  ] as const;
  for (const c of cases) {
    it(`matches the direct sum: ${c.name}`, () => {
      const rng = new Random(`input ${c.name}`);
      const filterShape: [number, number, number, number] = [c.f[0], c.f[1], c.x[3], c.o];
      const wValues = rng.normalArray(filterShape.reduce((a, b) => a * b, 1));
      assertNoLeaks(() => tf.tidy(() => {
        const w = tf.tensor4d(wValues, filterShape);
        const y = tf.conv2d(tf.zeros([...c.x]) as tf.Tensor4D, w, [...c.stride], c.tfPad as 'same');
        const dyValues = rng.normalArray(y.size);
        const dy = tf.tensor4d(dyValues, y.shape);
        const dx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w, [...c.stride], c.tfPad as 'same'), dy)))(tf.zeros([...c.x]));
        expect(dx.shape).toEqual([...c.x]);
        const expected = conv2dInputGradientOracle(dyValues, y.shape, wValues, filterShape, [...c.x], [...c.stride], [...c.pad]);
        const got = dx.dataSync();
        for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 4);
      }), c.name);
    });
  }

  it('plans phases only where they apply', () => {
    const info = (x: [number, number, number, number], pad: number, stride: number, dilation = 1) =>
      tf.backend_util.computeConv2DInfo(x, [3, 3, x[3], 4], stride, dilation, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
    const plan = subPixelPlan(info([1, 28, 28, 1], 1, 2))!;
    // d ∈ [ceil((1 − 2)/2), floor((1 + 1)/2)] = [0, 1]: a 2×2 window, padded after by one row/column.
    expect(plan).toMatchObject({ windowHeight: 2, windowWidth: 2, firstHeight: 0, phaseRows: 14, phaseColumns: 14 });
    expect(plan.padding).toEqual([[0, 0], [0, 1], [0, 1], [0, 0]]);
    expect(subPixelPlan(info([1, 9, 9, 1], 3, 2))).toBeNull();
    expect(subPixelPlan(info([1, 9, 9, 1], 1, 1, 2))).toBeNull();
  });

  it('is installed on wasm and removable', () => {
    expect(installedFallbacks('wasm').map((f) => f.kernelName)).toContain('Conv2DBackpropInput');
  });
});

describe('transpose-free matMul on wasm', () => {
  it('gives the same products for every transpose combination, without leaking', () => {
    const rng = new Random(3);
    const a = rng.normalArray(6 * 4);
    const b = rng.normalArray(4 * 5);
    assertNoLeaks(() => tf.tidy(() => {
      const A = tf.tensor2d(a, [6, 4]);
      const B = tf.tensor2d(b, [4, 5]);
      const reference = tf.matMul(A, B).arraySync() as number[][];
      const variants = [
        tf.matMul(tf.transpose(A), B, true, false),
        tf.matMul(A, tf.transpose(B), false, true),
        tf.matMul(tf.transpose(A), tf.transpose(B), true, true),
      ];
      for (const v of variants) {
        (v.arraySync() as number[][]).forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(reference[i]![j]!, 5)));
      }
      // closed form for one entry
      expect(reference[2]![3]).toBeCloseTo([0, 1, 2, 3].reduce((s, k) => s + a[2 * 4 + k]! * b[k * 5 + 3]!, 0), 5);
    }));
  });
});

describe('UnsortedSegmentSum fallback', () => {
  it('sums rows into segments and drops out-of-range ids', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(unsortedSegmentSum(x, [1, 0, 1, 5], 2, 3))).toEqual([3, 4, 1 + 5, 2 + 6, 0, 0]);
  });

  it('backs the gradient of gather on wasm', () => {
    assertNoLeaks(() => tf.tidy(() => {
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.gather(v, tf.tensor1d([2, 0, 2], 'int32'))))(tf.ones([3, 2]));
      expect(g.arraySync()).toEqual([[1, 1], [0, 0], [2, 2]]);
    }));
  });
});

describe('uninstalling and reinstalling fallbacks', () => {
  it('restores the backend\'s own kernels and puts ours back', () => {
    const inputGradient = () => tf.tidy(() => {
      const w = tf.tensor4d(new Random('w').normalArray(3 * 3 * 2 * 4), [3, 3, 2, 4]);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]))))(
        tf.tensor4d(new Random('x').normalArray(2 * 6 * 6 * 2), [2, 6, 6, 2])).dataSync();
    });
    const ours = inputGradient();
    uninstallFallbacks('wasm');
    try {
      expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).not.toBe(undefined);
      const native = inputGradient();
      native.forEach((v, i) => expect(ours[i]).toBeCloseTo(v, 4));
      expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
      expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
      // the native transposed path still computes the right product
      const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3, 4]]), false, true).dataSync()[0]);
      expect(product).toBe(11);
    } finally {
      installFallbacks('wasm');
    }
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(installFallbacks('wasm').map((f) => f.kernelName)).toContain('BatchMatMul');
  });
});
