import { backend_util, util, type GatherV2Attrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapOffset, isWasmHeapBackend } from './wasm-heap-backend.js';
import { restoreKernel, wrapKernel } from './wrap-kernel.js';

// Slices at least this long are copied with copyWithin (a memmove); shorter ones value by value.
const blockCopyMin = 16;

/**
 * GatherV2 as block copies inside the wasm heap. wasm's own kernel computes every output
 * value's address through strides (~45 ns a value: 38 ms to pick 900 of 1,000 MNIST rows, 60×
 * its Multiply); attacks gather their survivors' rows at every stage and target.
 */
function heapGather(original: KernelConfig): KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as GatherV2Attrs;
    const backend = args.backend;
    const bytes = x.dtype === 'bool' ? 1 : x.dtype === 'float32' || x.dtype === 'int32' ? 4 : 0;
    if (bytes === 0 || indices.dtype !== 'int32' || !isWasmHeapBackend(backend)) return original.kernelFunc(args);
    const parsedAxis = util.parseAxisParam(axis, x.shape)[0]!;
    const info = backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, parsedAxis, batchDims);
    const indexCount = util.sizeFromShape(indices.shape);
    const dim = info.dimSize;
    // Checked before the output is allocated, so a refusal leaves nothing behind.
    const checked = new Int32Array(backend.wasm.HEAPU8.buffer, heapOffset(backend, indices), indexCount);
    for (let i = 0; i < indexCount; i++) {
      const v = checked[i]!;
      // The native kernel's check and message.
      if (!(v >= 0 && v <= dim - 1)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${dim - 1}]`);
    }
    const out = backend.makeOutput(info.outputShape, x.dtype);
    if (util.sizeFromShape(x.shape) === 0 || indexCount === 0) return out;
    // Views only after the last allocation: the heap's buffer is replaced when it grows.
    const heap = backend.wasm.HEAPU8;
    const index = new Int32Array(heap.buffer, heapOffset(backend, indices), indexCount);
    const perBatch = indexCount / info.batchSize;
    const slice = info.sliceSize * bytes;
    const from = heapOffset(backend, x);
    let to = heapOffset(backend, out);
    for (let b = 0; b < info.batchSize; b++) {
      for (let o = 0; o < info.outerSize; o++) {
        const block = from + ((b * info.outerSize + o) * dim) * slice;
        for (let k = 0; k < perBatch; k++) {
          const start = block + index[b * perBatch + k]! * slice;
          if (slice >= blockCopyMin) heap.copyWithin(to, start, start + slice);
          else for (let j = 0; j < slice; j++) heap[to + j] = heap[start + j]!;
          to += slice;
        }
      }
    }
    return out;
  };
}

/** Wraps the backend's GatherV2; false when it has none. */
export const installHeapGather = (backendName: string): boolean => wrapKernel('GatherV2', backendName, heapGather);

export const uninstallHeapGather = (backendName: string): boolean => restoreKernel('GatherV2', backendName);
