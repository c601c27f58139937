import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { restoreKernel, wrapKernel } from './wrap-kernel.js';

/** The backend calls this kernel needs (the wasm backend counts references per data id). */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * Identity that shares the input's data (one more reference) instead of copying it, as the cpu
 * backend's does. tfjs's tape clones every tensor a gradient saves, and the wasm Identity
 * copies: on MobileNetV2 that was ~600 full-size copies per attack step. Sharing is safe
 * because tfjs tensors are immutable (a variable's assign points it at new data).
 */
function sharedIdentity(original: Parameters<Parameters<typeof wrapKernel>[2]>[0]): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const backend = args.backend as unknown as Partial<RefCountingBackend>;
    if (x.dtype === 'string' || typeof backend.incRef !== 'function') return original.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Wraps the backend's Identity; false when it has none. */
export const installSharedIdentity = (backendName: string): boolean => wrapKernel('Identity', backendName, sharedIdentity);

export const uninstallSharedIdentity = (backendName: string): boolean => restoreKernel('Identity', backendName);
