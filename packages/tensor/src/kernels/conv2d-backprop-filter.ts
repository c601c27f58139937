import {
  backend_util,
  getKernel,
  registerKernel,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';
import { requiredKernel } from './required-kernel.js';

/**
 * Unrolls the input into patchesᵀ [kh·kw·inC, batch·outH·outW] (im2col, zero padding).
 * Row k = (kh·filterW + kw)·inC + c holds, for every output position, the input pixel
 * that filter tap k sees there.
 */
export function im2colTransposed(x: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const columns = batchSize * outHeight * outWidth;
  const patches = new Float32Array(filterHeight * filterWidth * inChannels * columns);
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      for (let c = 0; c < inChannels; c++) {
        const row = ((fh * filterWidth + fw) * inChannels + c) * columns;
        let m = 0;
        for (let b = 0; b < batchSize; b++) {
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight + fh * dilationHeight - top;
            if (ih < 0 || ih >= inHeight) {
              m += outWidth;
              continue;
            }
            const rowBase = (b * inHeight + ih) * inWidth;
            for (let ow = 0; ow < outWidth; ow++, m++) {
              const iw = ow * strideWidth + fw * dilationWidth - left;
              if (iw >= 0 && iw < inWidth) patches[row + m] = x[(rowBase + iw) * inChannels + c]!;
            }
          }
        }
      }
    }
  }
  return patches;
}

/**
 * Filter gradient as one forward Conv2D (XNNPACK on wasm), the batch becoming the channels:
 * dW[kh,kw,c,o] = Σ_{n,i,j} x[n, s·i+kh−pad, s·j+kw−pad, c] · dy[n,i,j,o] is a stride-1 conv of
 * xᵀ [c, H, W, n] with dyᵀ [outH, outW, n, o] dilated by the stride, giving [c, kh, kw, o].
 * Null when that conv would need negative padding (input rows no output reads).
 */
function dilatedConvFilterGradient(backend: KernelBackend, backendName: string, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  const bottom = filterHeight + strideHeight * (outHeight - 1) - inHeight - top;
  const right = filterWidth + strideWidth * (outWidth - 1) - inWidth - left;
  if (bottom < 0 || right < 0 || top < 0 || left < 0) return null;
  const conv2d = getKernel('Conv2D', backendName);
  const transpose = getKernel('Transpose', backendName);
  if (conv2d == null || transpose == null) return null;
  const temporaries: TensorInfo[] = [];
  try {
    const xT = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }) as TensorInfo;
    temporaries.push(xT);
    const dyT = transpose.kernelFunc({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }) as TensorInfo;
    temporaries.push(dyT);
    const product = conv2d.kernelFunc({
      inputs: { x: xT, filter: dyT },
      backend,
      attrs: { strides: 1, pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [strideHeight, strideWidth] },
    }) as TensorInfo;
    temporaries.push(product);
    return transpose.kernelFunc({ inputs: { x: product }, backend, attrs: { perm: [1, 2, 0, 3] } }) as TensorInfo;
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/**
 * Filter gradient of conv2d on a backend without the kernel: one dilated forward Conv2D when
 * the backend has one (see `dilatedConvFilterGradient`), else im2col + one plain matMul:
 * dW[kh,kw,c,o] = Σ_{b,oh,ow} x[b, oh·s+kh−pad, ow·s+kw−pad, c] · dy[b,oh,ow,o].
 */
export function conv2dBackpropFilterKernel(backendName: string, { preferConv = true }: { preferConv?: boolean } = {}): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
        attrs as unknown as Conv2DBackpropFilterAttrs;
      if (dataFormat === 'NCHW') {
        throw new Error('Conv2DBackpropFilter fallback supports NHWC only (got NCHW)');
      }
      const info = backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const kernelBackend = backend as KernelBackend;
      if (preferConv) {
        const viaConv = dilatedConvFilterGradient(kernelBackend, backendName, x, dy, info);
        if (viaConv !== null) return { ...viaConv, shape: [...filterShape] };
      }
      const matMul = requiredKernel('BatchMatMul', backendName);
      const taps = info.filterHeight * info.filterWidth * info.inChannels;
      const columns = info.batchSize * info.outHeight * info.outWidth;
      const patches = writeTensorInfo(
        kernelBackend,
        im2colTransposed(readFloat32(kernelBackend, x), info),
        [1, taps, columns],
        'float32',
      );
      try {
        const dyMatrix: TensorInfo = { ...dy, shape: [1, columns, info.outChannels] };
        const product = matMul.kernelFunc({
          inputs: { a: patches, b: dyMatrix },
          backend,
          attrs: { transposeA: false, transposeB: false },
        }) as TensorInfo;
        return { ...product, shape: [...filterShape] };
      } finally {
        kernelBackend.disposeData(patches.dataId);
      }
    },
  };
}

/** Registers the fallback on a backend that lacks the kernel; true when it did. */
export function installConv2dBackpropFilter(backendName: string): boolean {
  if (getKernel('Conv2DBackpropFilter', backendName) != null) return false;
  registerKernel(conv2dBackpropFilterKernel(backendName));
  return true;
}
