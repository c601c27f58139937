import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core';

const originals = new Map<string, KernelConfig>();
const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/**
 * Replaces a backend's kernel with `make(original)` (which may call the original), keeping
 * the original so `restoreKernel` can put it back. False when the backend has no such kernel.
 */
export function wrapKernel(kernelName: string, backendName: string, make: (original: KernelConfig) => KernelFunc): boolean {
  if (originals.has(key(kernelName, backendName))) return true;
  const original = getKernel(kernelName, backendName);
  if (original == null) return false;
  unregisterKernel(kernelName, backendName);
  registerKernel({ ...original, kernelFunc: make(original) });
  originals.set(key(kernelName, backendName), original);
  return true;
}

/** Puts back the kernel `wrapKernel` replaced; false when it had not. */
export function restoreKernel(kernelName: string, backendName: string): boolean {
  const original = originals.get(key(kernelName, backendName));
  if (original == null) return false;
  unregisterKernel(kernelName, backendName);
  registerKernel(original);
  originals.delete(key(kernelName, backendName));
  return true;
}
