import type { backend_util, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasLibrary } from './blas-library.js';
import { activate, fillRows, fitsLastAxis, isFusedActivation, type FusedActivation } from './fused-epilogue.js';
import { col2imAdd, im2col, imagesPerChunk, isPointwise, patchSize } from './im2col.js';
import { convInfoOf, type ConvAttrs } from './conv-attrs.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

type ConvInfo = backend_util.Conv2DInfo;

/** Patch matrices larger than this (in floats, 64 MiB) are built a batch chunk at a time. */
const maxPatchFloats = 16 * 1024 * 1024;

/** One growable scratch buffer for patch matrices, kept between calls (JS memory, not the wasm heap). */
let scratch = new Float32Array(0);
function patchBuffer(floats: number): Float32Array {
  if (scratch.length < floats) scratch = new Float32Array(floats);
  return scratch.subarray(0, floats);
}

/**
 * Measured on 2 cores (docs/benchmarks/tensor-blas.md): im2col in JavaScript + GEMM loses to
 * XNNPACK's direct conv for thin layers (CNNLight's 1→8 and 8→16 channels are 2–6× slower)
 * and for few output pixels with long patches (the filter gradient posed as a conv with the
 * batch as channels: a 9 × 196,000 × 8 GEMM is 2× slower), and wins once the patch row, the
 * output channels and the output pixels are all wide. Otherwise the previous kernel runs.
 */
export const minPatchTimesChannels = 8192;
export const minOutputPixels = 256;
/** Whether a conv of this shape runs on BLAS (else on the previous kernel). */
export const convUsesBlas = (c: ConvInfo): boolean =>
  patchSize(c) * c.outChannels >= minPatchTimesChannels && c.batchSize * c.outHeight * c.outWidth >= minOutputPixels;

const floats = (...infos: (TensorInfo | undefined)[]): boolean => infos.every((t) => t === undefined || t.dtype === 'float32');

/**
 * y = conv(x, w) (+ bias, activation) as im2col + one GEMM per chunk; NHWC only. The bias is
 * the GEMM's initial C (β = 1) and relu/relu6 run as the backend's own SIMD kernel: a
 * JavaScript epilogue over the output measured 2–7× the GEMM's own time on MobileNetV2's 1×1
 * convs (docs/benchmarks/mobilenet.md).
 */
function forward(blas: BlasLibrary, previous: KernelConfig, fused: boolean): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { x, filter, bias, preluActivationWeights: prelu } = args.inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    if (!isWasmBackend(backend) || (attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !floats(x, filter, bias, prelu)) return previous.kernelFunc(args);
    const c = convInfoOf(x.shape, filter.shape, attrs);
    const cout = c.outChannels;
    if (!convUsesBlas(c)) return previous.kernelFunc(args);
    if (fused && !(isFusedActivation(attrs.activation) && fitsLastAxis(bias?.shape, cout) && fitsLastAxis(prelu?.shape, cout) && (attrs.activation !== 'prelu' || prelu))) {
      return previous.kernelFunc(args);
    }
    const out = backend.makeOutput([c.batchSize, c.outHeight, c.outWidth, cout], 'float32');
    const y = heapView(backend, out);
    if (y.length === 0) return out;
    const xs = heapView(backend, x);
    const w = heapView(backend, filter);
    const k = patchSize(c);
    const rowsPerImage = c.outHeight * c.outWidth;
    const withBias = fused && bias !== undefined;
    if (withBias) fillRows(y, heapView(backend, bias), cout);
    const beta = withBias ? 1 : 0;
    if (isPointwise(c)) blas.sgemm(false, false, c.batchSize * rowsPerImage, cout, k, 1, xs, k, w, cout, beta, y, cout);
    else {
      const chunk = imagesPerChunk(c, maxPatchFloats);
      for (let first = 0; first < c.batchSize; first += chunk) {
        const count = Math.min(chunk, c.batchSize - first);
        const col = patchBuffer(count * rowsPerImage * k);
        im2col(c, xs, first, count, col);
        const rows = count * rowsPerImage;
        blas.sgemm(false, false, rows, cout, k, 1, col, k, w, cout, beta, y.subarray(first * rowsPerImage * cout, (first + count) * rowsPerImage * cout), cout);
      }
    }
    const activation = fused ? ((attrs.activation ?? 'linear') as FusedActivation) : 'linear';
    return activate(backend, out, cout, activation, prelu && heapView(backend, prelu), attrs.leakyreluAlpha);
  };
}

/** dx = col2im(dy · wᵀ); NHWC only. */
function inputGradient(blas: BlasLibrary, previous: KernelConfig): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    if (!isWasmBackend(backend) || (attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !floats(dy, filter) || !attrs.inputShape) return previous.kernelFunc(args);
    const c = convInfoOf(attrs.inputShape, filter.shape, attrs);
    if (!convUsesBlas(c)) return previous.kernelFunc(args);
    const out = backend.makeOutput([...attrs.inputShape], 'float32');
    const dx = heapView(backend, out);
    if (dx.length === 0) return out;
    const g = heapView(backend, dy);
    const w = heapView(backend, filter);
    const k = patchSize(c);
    const cout = c.outChannels;
    const rowsPerImage = c.outHeight * c.outWidth;
    if (isPointwise(c)) {
      blas.sgemm(false, true, c.batchSize * rowsPerImage, k, cout, 1, g, cout, w, cout, 0, dx, k);
      return out;
    }
    dx.fill(0);
    const chunk = imagesPerChunk(c, maxPatchFloats);
    for (let first = 0; first < c.batchSize; first += chunk) {
      const count = Math.min(chunk, c.batchSize - first);
      const rows = count * rowsPerImage;
      const col = patchBuffer(rows * k);
      blas.sgemm(false, true, rows, k, cout, 1, g.subarray(first * rowsPerImage * cout, (first + count) * rowsPerImage * cout), cout, w, cout, 0, col, k);
      col2imAdd(c, col, first, count, dx);
    }
    return out;
  };
}

/** dw = im2col(x)ᵀ · dy, accumulated over batch chunks; NHWC only. */
function filterGradient(blas: BlasLibrary, previous: KernelConfig | undefined): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const supported = isWasmBackend(backend) && (attrs.dataFormat ?? 'NHWC') === 'NHWC' && floats(x, dy) && attrs.filterShape !== undefined;
    if (!supported || (previous && !convUsesBlas(convInfoOf(x.shape, attrs.filterShape!, attrs)))) {
      if (previous) return previous.kernelFunc(args);
      throw new Error('tensor-blas: Conv2DBackpropFilter supports float32 NHWC on the wasm backend only');
    }
    const wasm = backend as Parameters<typeof heapView>[0];
    const c = convInfoOf(x.shape, attrs.filterShape!, attrs);
    const out = wasm.makeOutput([...attrs.filterShape!], 'float32');
    const dw = heapView(wasm, out);
    if (dw.length === 0) return out;
    const xs = heapView(wasm, x);
    const g = heapView(wasm, dy);
    const k = patchSize(c);
    const cout = c.outChannels;
    const rowsPerImage = c.outHeight * c.outWidth;
    if (c.batchSize * rowsPerImage === 0) {
      dw.fill(0);
      return out;
    }
    if (isPointwise(c)) {
      blas.sgemm(true, false, k, cout, c.batchSize * rowsPerImage, 1, xs, k, g, cout, 0, dw, cout);
      return out;
    }
    const chunk = imagesPerChunk(c, maxPatchFloats);
    for (let first = 0; first < c.batchSize; first += chunk) {
      const count = Math.min(chunk, c.batchSize - first);
      const rows = count * rowsPerImage;
      const col = patchBuffer(rows * k);
      im2col(c, xs, first, count, col);
      blas.sgemm(true, false, k, cout, rows, 1, col, k, g.subarray(first * rowsPerImage * cout, (first + count) * rowsPerImage * cout), cout, first === 0 ? 0 : 1, dw, cout);
    }
    return out;
  };
}

export const blasConv2D = (blas: BlasLibrary, previous: KernelConfig): KernelFunc => forward(blas, previous, false);
export const blasFusedConv2D = (blas: BlasLibrary, previous: KernelConfig): KernelFunc => forward(blas, previous, true);
export const blasConv2DBackpropInput = inputGradient;
export const blasConv2DBackpropFilter = filterGradient;
