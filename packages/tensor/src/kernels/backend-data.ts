import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** Reads a tensor's values on its backend as float32 (kernels run below the engine, so no ops). */
export function readFloat32(backend: KernelBackend, info: TensorInfo): Float32Array {
  const values = backend.readSync(info.dataId);
  if (values instanceof Float32Array) return values;
  return Float32Array.from(values as ArrayLike<number>);
}

/** Writes values as a new tensor on `backend`; the caller owns (and must dispose) the result. */
export function writeTensorInfo(
  backend: KernelBackend,
  values: Float32Array | Int32Array,
  shape: number[],
  dtype: DataType,
): TensorInfo {
  return { dataId: backend.write(values, shape, dtype), shape, dtype };
}
