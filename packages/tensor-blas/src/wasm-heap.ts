import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs' BackendWasm these kernels use (its class is not exported as a value). */
export interface WasmBackend extends KernelBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
}

export function isWasmBackend(backend: unknown): backend is WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  return b?.wasm?.HEAPU8 instanceof Uint8Array && typeof b.makeOutput === 'function' && b.dataIdMap != null;
}

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/**
 * A float32 view of a tensor's values in the wasm heap. The heap's buffer is replaced when
 * it grows, so take views only after the kernel's last allocation and never keep them.
 */
export function heapView(backend: WasmBackend, info: TensorInfo): Float32Array {
  const data = backend.dataIdMap.get(info.dataId);
  if (data == null) throw new Error('tensor-blas: tensor data is not on the wasm backend');
  return new Float32Array(backend.wasm.HEAPU8.buffer, data.memoryOffset, size(info.shape));
}
