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
 * Filter gradient of conv2d as im2col + one plain matMul on the same backend:
 * dW[kh,kw,c,o] = Σ_{b,oh,ow} x[b, oh·s+kh−pad, ow·s+kw−pad, c] · dy[b,oh,ow,o].
 */
export function conv2dBackpropFilterKernel(backendName: string): KernelConfig {
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
      const matMul = getKernel('BatchMatMul', backendName);
      if (matMul == null) throw new Error(`backend '${backendName}' has no BatchMatMul kernel`);
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
