import { getKernel, type KernelConfig } from '@tensorflow/tfjs-core';

/** A kernel our kernels build on; a clear error when the backend lacks it. */
export function requiredKernel(name: string, backendName: string): KernelConfig {
  const kernel = getKernel(name, backendName);
  if (kernel == null) throw new Error(`backend '${backendName}' has no ${name} kernel`);
  return kernel;
}
