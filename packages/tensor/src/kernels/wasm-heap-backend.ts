import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';

/** The wasm backend's parts the heap kernels use (its class is not exported). */
export interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

export function isWasmHeapBackend(backend: unknown): backend is WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend> | null;
  return b?.wasm?.HEAPU8 instanceof Uint8Array && typeof b.makeOutput === 'function' && b.dataIdMap != null;
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: WasmHeapBackend, tensor: TensorInfo): number {
  return backend.dataIdMap.get(tensor.dataId)!.memoryOffset;
}
