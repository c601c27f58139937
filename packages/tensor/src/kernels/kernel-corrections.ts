import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { avgPoolGradCountingInside } from './avg-pool-grad-padding.js';
import type { InstalledFallback } from './install-fallbacks.js';
import { maxPoolGradShiftedPositive } from './max-pool-grad-negative-windows.js';
import { resizeNearestNeighborGradScatter } from './resize-nearest-neighbor-grad.js';
import { restoreKernel, wrapKernel } from './wrap-kernel.js';

/** A backend kernel LiftGuard wraps because it computes a wrong gradient (found by the conformance suite). */
interface KernelCorrection {
  kernelName: string;
  backends: ReadonlySet<string>;
  make: (original: KernelConfig) => KernelFunc;
  reason: string;
}

export const kernelCorrections: readonly KernelCorrection[] = [
  {
    kernelName: 'MaxPoolGrad',
    backends: new Set(['wasm']),
    make: maxPoolGradShiftedPositive,
    reason: 'the native kernel misroutes dy in windows whose values are all negative: input shifted to ≥ 1 first (argmax unchanged)',
  },
  {
    kernelName: 'AvgPoolGrad',
    backends: new Set(['cpu', 'wasm']),
    make: avgPoolGradCountingInside,
    reason: "the native kernel divides border windows of 'same' pooling by the full window size, the forward by the elements inside: dy rescaled first",
  },
  {
    kernelName: 'ResizeNearestNeighborGrad',
    backends: new Set(['cpu']),
    make: resizeNearestNeighborGradScatter,
    reason: 'the native kernel reads dy at the wrong offset after the first image of a batch: replaced by a scatter of dy to the forward source pixels',
  },
];

const installedByBackend = new Map<string, InstalledFallback[]>();

/**
 * Wraps the kernels of one backend that compute wrong gradients (tfjs 4.22, found by the
 * conformance suite against finite differences). Idempotent; returns what it wrapped.
 */
export function installCorrections(backendName: string): InstalledFallback[] {
  const existing = installedByBackend.get(backendName);
  if (existing) return existing;
  const installed: InstalledFallback[] = [];
  for (const correction of kernelCorrections) {
    if (correction.backends.has(backendName) && wrapKernel(correction.kernelName, backendName, correction.make)) {
      installed.push({ kernelName: correction.kernelName, backendName, kind: 'wrapped', reason: correction.reason });
    }
  }
  installedByBackend.set(backendName, installed);
  return installed;
}

/** What `installCorrections` wrapped on a backend so far (empty when none). */
export function installedCorrections(backendName: string): InstalledFallback[] {
  return installedByBackend.get(backendName) ?? [];
}

/** Puts the backend's own (wrong) kernels back: only for showing what the corrections change. */
export function uninstallCorrections(backendName: string): void {
  for (const { kernelName } of kernelCorrections) restoreKernel(kernelName, backendName);
  installedByBackend.delete(backendName);
}
