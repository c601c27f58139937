import { backend_util, type AvgPoolGradAttrs, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { writeTensorInfo } from './backend-data.js';
import { requiredKernel } from './required-kernel.js';

/** Per output position, (window size) / (window elements inside the input): 1 away from the padding. */
export function paddedWindowScale(info: backend_util.Conv2DInfo): Float32Array {
  const { outHeight, outWidth, inHeight, inWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const inside = (start: number, size: number, limit: number) => Math.min(start + size, limit) - Math.max(start, 0);
  const scale = new Float32Array(outHeight * outWidth);
  for (let i = 0; i < outHeight; i++) {
    const rows = inside(i * strideHeight - top, filterHeight, inHeight);
    for (let j = 0; j < outWidth; j++) {
      const columns = inside(j * strideWidth - left, filterWidth, inWidth);
      scale[i * outWidth + j] = (filterHeight * filterWidth) / (rows * columns);
    }
  }
  return scale;
}

/**
 * tfjs's forward AvgPool divides each window by the number of elements inside the input
 * (TensorFlow's rule) but AvgPoolGrad (cpu and wasm, 4.22) divides by the full window size,
 * so gradients near a 'same' border are too small. The wrapped kernel rescales dy per output
 * position by window size / elements inside, then runs the backend's own kernel.
 */
export function avgPoolGradCountingInside(original: KernelConfig): KernelFunc {
  const { backendName } = original;
  return (args) => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const { filterSize, strides, pad } = args.attrs as unknown as AvgPoolGradAttrs;
    const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
    const { top, bottom, left, right } = info.padInfo;
    if (top === 0 && bottom === 0 && left === 0 && right === 0) return original.kernelFunc(args);
    const backend = args.backend as KernelBackend;
    const scale = writeTensorInfo(backend, paddedWindowScale(info), [1, info.outHeight, info.outWidth, 1], 'float32');
    const scaledDy = requiredKernel('Multiply', backendName).kernelFunc({ inputs: { a: dy, b: scale }, backend }) as TensorInfo;
    try {
      return original.kernelFunc({ ...args, inputs: { ...args.inputs, dy: scaledDy } });
    } finally {
      backend.disposeData(scale.dataId);
      backend.disposeData(scaledDy.dataId);
    }
  };
}
