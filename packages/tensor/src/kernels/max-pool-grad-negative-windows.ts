import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';
import { requiredKernel } from './required-kernel.js';

/**
 * tfjs-backend-wasm 4.22's MaxPoolGrad routes dy to the wrong element of a pooling window
 * whose values are all negative (its running max starts at 0). The argmax of a window does
 * not change when every input is shifted by the same constant, so the wrapped kernel shifts
 * x to ≥ 1 first. (Values closer than float32 resolution at the shifted scale become ties.)
 */
export function maxPoolGradShiftedPositive(original: KernelConfig): KernelFunc {
  const { backendName } = original;
  return (args) => {
    const backend = args.backend as KernelBackend;
    const { dy, input, output } = args.inputs as { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
    const minimum = requiredKernel('Min', backendName).kernelFunc({
      inputs: { x: input },
      backend,
      attrs: { axis: input.shape.map((_, i) => i), keepDims: false },
    }) as TensorInfo;
    const low = readFloat32(backend, minimum)[0]!;
    backend.disposeData(minimum.dataId);
    if (!(low <= 0)) return original.kernelFunc(args);
    const offset = writeTensorInfo(backend, Float32Array.of(1 - low), [], 'float32');
    const add = requiredKernel('Add', backendName);
    const shiftedInput = add.kernelFunc({ inputs: { a: input, b: offset }, backend }) as TensorInfo;
    const shiftedOutput = add.kernelFunc({ inputs: { a: output, b: offset }, backend }) as TensorInfo;
    try {
      return original.kernelFunc({ ...args, inputs: { dy, input: shiftedInput, output: shiftedOutput } });
    } finally {
      for (const t of [offset, shiftedInput, shiftedOutput]) backend.disposeData(t.dataId);
    }
  };
}
