import {
  getKernel,
  registerKernel,
  util,
  type KernelBackend,
  type TensorInfo,
  type UnsortedSegmentSumAttrs,
} from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';

/**
 * out[s, ...] = Σ_{i: ids[i] = s} x[i, ...]; ids outside [0, numSegments) are dropped,
 * as in TensorFlow. Needed by the gradient of `gather`.
 */
export function unsortedSegmentSum(
  x: Float32Array,
  ids: ArrayLike<number>,
  rowSize: number,
  numSegments: number,
): Float32Array {
  const out = new Float32Array(numSegments * rowSize);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * rowSize;
    const to = s * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j]! += x[from + j]!;
  }
  return out;
}

/** Registers a JavaScript UnsortedSegmentSum on a backend that lacks it; true when it did. */
export function installUnsortedSegmentSum(backendName: string): boolean {
  if (getKernel('UnsortedSegmentSum', backendName) != null) return false;
  registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
      const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
      if (x.dtype !== 'float32') {
        throw new Error(`UnsortedSegmentSum fallback supports float32 only (got ${x.dtype})`);
      }
      const kernelBackend = backend as KernelBackend;
      const rowShape = x.shape.slice(segmentIds.shape.length);
      const values = unsortedSegmentSum(
        readFloat32(kernelBackend, x),
        kernelBackend.readSync(segmentIds.dataId) as ArrayLike<number>,
        util.sizeFromShape(rowShape),
        numSegments,
      );
      return writeTensorInfo(kernelBackend, values, [numSegments, ...rowShape], 'float32');
    },
  });
  return true;
}
