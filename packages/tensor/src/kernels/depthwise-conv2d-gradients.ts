import {
  backend_util,
  getKernel,
  registerKernel,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';
import { requiredKernel } from './required-kernel.js';

type Shape4 = [number, number, number, number];

function depthwiseInfo(xShape: Shape4, filterShape: Shape4, attrs: DepthwiseConv2dNativeBackpropInputAttrs | DepthwiseConv2dNativeBackpropFilterAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(xShape, filterShape, attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode, true);
}

function disposeAll(backend: KernelBackend, infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** W [kh, kw, C, M] flipped in both spatial axes, as a multiplier-1 filter [kh, kw, C·M, 1]. */
export function flippedDepthwiseFilter(filter: Float32Array, [kh, kw, c, m]: Shape4): Float32Array {
  const out = new Float32Array(filter.length);
  const tap = c * m;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = (i * kw + j) * tap;
      const to = ((kh - 1 - i) * kw + (kw - 1 - j)) * tap;
      out.set(filter.subarray(from, from + tap), to);
    }
  }
  return out;
}

/**
 * Depthwise input gradient as one forward depthwise conv (XNNPACK on wasm):
 * dx[h] = Σ_k dy_s[h + pad − k·d]·W[k] is a stride-1 correlation of dy, zero-dilated by the
 * stride, with the flipped filter over the C·M output channels, then a sum over the M
 * multipliers of each input channel. Null when the padding exceeds the filter's reach.
 */
function depthwiseInputGradientViaConv(backend: KernelBackend, backendName: string, dy: TensorInfo, filter: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = (kh - 1) * dh - info.padInfo.top;
  const left = (kw - 1) * dw - info.padInfo.left;
  if (top < 0 || left < 0) return null;
  // dy zero-dilated by the stride, keeping the s − 1 trailing zero rows/columns the reshape
  // leaves (they act as bottom/right padding, so no slice is needed).
  const dilatedHeight = outHeight * sh;
  const dilatedWidth = outWidth * sw;
  // Rows past the end that no output reads come out as extra (zero-gradient) rows: cropped below.
  const bottom = Math.max(0, inHeight - dilatedHeight - top + (kh - 1) * dh);
  const right = Math.max(0, inWidth - dilatedWidth - left + (kw - 1) * dw);
  const temporaries: TensorInfo[] = [];
  try {
    let dilated = dy;
    if (sh > 1 || sw > 1) {
      // [N, oH, 1, oW, 1, C] padded to [N, oH, sh, oW, sw, C]: dy at every stride-th row and column.
      const spread: TensorInfo = { ...dy, shape: [batchSize, outHeight, 1, outWidth, 1, outChannels] };
      const padded = requiredKernel('PadV2', backendName).kernelFunc({
        inputs: { x: spread },
        backend,
        attrs: { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 },
      }) as TensorInfo;
      temporaries.push(padded);
      dilated = { ...padded, shape: [batchSize, dilatedHeight, dilatedWidth, outChannels] };
    }
    const flipped = writeTensorInfo(backend, flippedDepthwiseFilter(readFloat32(backend, filter), filter.shape as Shape4), [kh, kw, outChannels, 1], 'float32');
    temporaries.push(flipped);
    const perOutput = requiredKernel('DepthwiseConv2dNative', backendName).kernelFunc({
      inputs: { x: dilated, filter: flipped },
      backend,
      attrs: { strides: 1, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dilations: [dh, dw], dataFormat: 'NHWC' },
    }) as TensorInfo;
    let result = perOutput;
    const multiplier = outChannels / inChannels;
    if (multiplier > 1) {
      temporaries.push(perOutput);
      const [n, h, w] = perOutput.shape;
      result = requiredKernel('Sum', backendName).kernelFunc({
        inputs: { x: { ...perOutput, shape: [n!, h!, w!, inChannels, multiplier] } },
        backend,
        attrs: { axis: [4], keepDims: false },
      }) as TensorInfo;
    }
    const [, gotHeight, gotWidth] = result.shape;
    if (gotHeight === inHeight && gotWidth === inWidth) return { ...result, shape: [batchSize, inHeight, inWidth, inChannels] };
    temporaries.push(result);
    return requiredKernel('Slice', backendName).kernelFunc({
      inputs: { x: { ...result, shape: [batchSize, gotHeight!, gotWidth!, inChannels] } },
      backend,
      attrs: { begin: [0, 0, 0, 0], size: [batchSize, inHeight, inWidth, inChannels] },
    }) as TensorInfo;
  } finally {
    disposeAll(backend, temporaries);
  }
}

/** dx by the definition (a direct loop): the reference, and the path for padding beyond the filter. */
export function depthwiseInputGradientLoop(dy: Float32Array, filter: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  for (let n = 0; n < batchSize; n++) {
    for (let i = 0; i < outHeight; i++) {
      for (let j = 0; j < outWidth; j++) {
        const dyBase = ((n * outHeight + i) * outWidth + j) * outChannels;
        for (let u = 0; u < info.filterHeight; u++) {
          const h = i * info.strideHeight + u * info.dilationHeight - info.padInfo.top;
          if (h < 0 || h >= inHeight) continue;
          for (let v = 0; v < info.filterWidth; v++) {
            const w = j * info.strideWidth + v * info.dilationWidth - info.padInfo.left;
            if (w < 0 || w >= inWidth) continue;
            const dxBase = ((n * inHeight + h) * inWidth + w) * inChannels;
            const filterBase = (u * info.filterWidth + v) * outChannels;
            for (let o = 0; o < outChannels; o++) dx[dxBase + Math.floor(o / multiplier)]! += dy[dyBase + o]! * filter[filterBase + o]!;
          }
        }
      }
    }
  }
  return dx;
}

/**
 * Depthwise filter gradient, one filter tap at a time on the backend:
 * dW[u, v, c, m] = Σ_{n,i,j} xpad[n, s·i + u·d, s·j + v·d, c] · dy[n, i, j, c·M + m]
 * is a strided slice of the padded input times dy, summed over the batch and positions.
 */
function depthwiseFilterGradientByTaps(backend: KernelBackend, backendName: string, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: kh, filterWidth: kw, dilationHeight: dh, dilationWidth: dw } = info;
  const { top, bottom, left, right } = info.padInfo;
  const multiplier = outChannels / inChannels;
  const positions = batchSize * outHeight * outWidth;
  const gradient = new Float32Array(kh * kw * outChannels);
  const temporaries: TensorInfo[] = [];
  try {
    let padded = x;
    if (top > 0 || bottom > 0 || left > 0 || right > 0) {
      padded = requiredKernel('PadV2', backendName).kernelFunc({
        inputs: { x },
        backend,
        attrs: { paddings: [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]], constantValue: 0 },
      }) as TensorInfo;
      temporaries.push(padded);
    }
    const stridedSlice = requiredKernel('StridedSlice', backendName);
    const multiply = requiredKernel('Multiply', backendName);
    const sum = requiredKernel('Sum', backendName);
    const dyGrouped: TensorInfo = { ...dy, shape: [positions, inChannels, multiplier] };
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const tapTemporaries: TensorInfo[] = [];
        try {
          const patch = stridedSlice.kernelFunc({
            inputs: { x: padded },
            backend,
            attrs: {
              begin: [0, u * dh, v * dw, 0],
              end: [batchSize, u * dh + (outHeight - 1) * sh + 1, v * dw + (outWidth - 1) * sw + 1, inChannels],
              strides: [1, sh, sw, 1],
              beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0,
            },
          }) as TensorInfo;
          tapTemporaries.push(patch);
          const product = multiply.kernelFunc({
            inputs: { a: { ...patch, shape: [positions, inChannels, 1] }, b: dyGrouped },
            backend,
          }) as TensorInfo;
          tapTemporaries.push(product);
          const tap = sum.kernelFunc({ inputs: { x: product }, backend, attrs: { axis: [0], keepDims: false } }) as TensorInfo;
          tapTemporaries.push(tap);
          gradient.set(readFloat32(backend, tap), (u * kw + v) * outChannels);
        } finally {
          disposeAll(backend, tapTemporaries);
        }
      }
    }
  } finally {
    disposeAll(backend, temporaries);
  }
  return writeTensorInfo(backend, gradient, [kh, kw, inChannels, multiplier], 'float32');
}

/** DepthwiseConv2dNativeBackpropInput for a backend without it (wasm). */
export function depthwiseBackpropInputKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
      const typed = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs;
      const info = depthwiseInfo(typed.inputShape, filter.shape as Shape4, typed);
      const kernelBackend = backend as KernelBackend;
      const viaConv = depthwiseInputGradientViaConv(kernelBackend, backendName, dy, filter, info);
      if (viaConv !== null) return viaConv;
      const dx = depthwiseInputGradientLoop(readFloat32(kernelBackend, dy), readFloat32(kernelBackend, filter), info);
      return writeTensorInfo(kernelBackend, dx, [...typed.inputShape], 'float32');
    },
  };
}

/** DepthwiseConv2dNativeBackpropFilter for a backend without it (wasm). */
export function depthwiseBackpropFilterKernel(backendName: string): KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const typed = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs;
      const info = depthwiseInfo(x.shape as Shape4, typed.filterShape, typed);
      return depthwiseFilterGradientByTaps(backend as KernelBackend, backendName, x, dy, info);
    },
  };
}

/** Registers the depthwise gradient kernels a backend lacks; returns the names registered. */
export function installDepthwiseGradients(backendName: string): string[] {
  const installed: string[] = [];
  if (getKernel('DepthwiseConv2dNative', backendName) == null) return installed;
  if (getKernel('DepthwiseConv2dNativeBackpropInput', backendName) == null) {
    registerKernel(depthwiseBackpropInputKernel(backendName));
    installed.push('DepthwiseConv2dNativeBackpropInput');
  }
  if (getKernel('DepthwiseConv2dNativeBackpropFilter', backendName) == null) {
    registerKernel(depthwiseBackpropFilterKernel(backendName));
    installed.push('DepthwiseConv2dNativeBackpropFilter');
  }
  return installed;
}
