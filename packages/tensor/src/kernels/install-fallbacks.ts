import { unregisterKernel } from '@tensorflow/tfjs-core';
import { resumeBlas, suspendBlas } from '../blas.js';
import { installConv2dBackpropFilter } from './conv2d-backprop-filter.js';
import { installDepthwiseGradients } from './depthwise-conv2d-gradients.js';
import { installSubPixelInputGradient, uninstallSubPixelInputGradient } from './sub-pixel-input-gradient.js';
import { installTransposeFreeMatMul, uninstallTransposeFreeMatMul } from './transpose-free-matmul.js';
import { installHeapGather, uninstallHeapGather } from './heap-gather.js';
import { installHeapSign, uninstallHeapSign } from './heap-sign.js';
import { installSharedIdentity, uninstallSharedIdentity } from './shared-identity.js';
import { installUnsortedSegmentSum } from './unsorted-segment-sum.js';

/** One kernel LiftGuard provides or replaces on a backend, and why. */
export interface InstalledFallback {
  kernelName: string;
  backendName: string;
  /** added: the backend had none; wrapped: the backend's own kernel, called differently. */
  kind: 'added' | 'wrapped';
  reason: string;
}

const installedByBackend = new Map<string, InstalledFallback[]>();

/** Backends whose transposed matMul paths are slow enough to route around. */
const slowTransposedMatMul = new Set(['wasm']);
/** Backends whose Conv2DBackpropInput is a direct loop while their Conv2D is fast (XNNPACK). */
const slowConvInputGradient = new Set(['wasm']);
/** Backends whose Identity copies the data (the tape clones every tensor a gradient saves). */
const copyingIdentity = new Set(['wasm']);
/** Backends whose Sign is a slow scalar loop (the L∞ attack step takes one per step). */
const slowSign = new Set(['wasm']);
/** Backends whose GatherV2 addresses every value through strides (attacks gather survivors' rows). */
const slowGather = new Set(['wasm']);

/**
 * Fills the kernel gaps of one backend through tfjs's kernel registry, before or after it
 * is initialized. Idempotent; returns what is installed on that backend.
 */
export function installFallbacks(backendName: string): InstalledFallback[] {
  const existing = installedByBackend.get(backendName);
  if (existing) return existing;
  const installed: InstalledFallback[] = [];
  if (slowTransposedMatMul.has(backendName)) {
    for (const kernelName of installTransposeFreeMatMul(backendName)) {
      installed.push({
        kernelName,
        backendName,
        kind: 'wrapped',
        reason: 'transpose flags replaced by an explicit transpose (the native transposed path is ~10x slower)',
      });
    }
  }
  if (slowConvInputGradient.has(backendName) && installSubPixelInputGradient(backendName)) {
    installed.push({
      kernelName: 'Conv2DBackpropInput',
      backendName,
      kind: 'wrapped',
      reason: 'input gradient as one forward Conv2D over stride² phases + an interleaving transpose (the native kernel is a direct loop)',
    });
  }
  if (copyingIdentity.has(backendName) && installSharedIdentity(backendName)) {
    installed.push({
      kernelName: 'Identity',
      backendName,
      kind: 'wrapped',
      reason: 'shares the input data (one more reference) instead of copying it, as the cpu backend does: the tape clones every tensor a gradient saves',
    });
  }
  if (slowSign.has(backendName) && installHeapSign(backendName)) {
    installed.push({
      kernelName: 'Sign',
      backendName,
      kind: 'wrapped',
      reason: 'one branch-free JavaScript pass over the wasm heap (the native kernel branches per value: ~30x slower than its Multiply on random signs)',
    });
  }
  if (slowGather.has(backendName) && installHeapGather(backendName)) {
    installed.push({
      kernelName: 'GatherV2',
      backendName,
      kind: 'wrapped',
      reason: 'block copies inside the wasm heap (the native kernel computes every value\'s address through strides: ~60x slower than its Multiply)',
    });
  }
  if (installConv2dBackpropFilter(backendName)) {
    installed.push({
      kernelName: 'Conv2DBackpropFilter',
      backendName,
      kind: 'added',
      reason: 'missing on this backend: im2col + one matMul on the backend',
    });
  }
  for (const kernelName of installDepthwiseGradients(backendName)) {
    installed.push({
      kernelName,
      backendName,
      kind: 'added',
      reason: kernelName.endsWith('Input')
        ? 'missing on this backend (depthwise/separable conv input gradient): one forward depthwise conv with the flipped filter over the stride-dilated dy'
        : 'missing on this backend (depthwise/separable conv filter gradient): one strided slice × dy, summed, per filter tap',
    });
  }
  if (installUnsortedSegmentSum(backendName)) {
    installed.push({
      kernelName: 'UnsortedSegmentSum',
      backendName,
      kind: 'added',
      reason: 'missing on this backend (gradient of gather): JavaScript loop',
    });
  }
  installedByBackend.set(backendName, installed);
  if (backendName === 'wasm') resumeBlas();
  return installed;
}

/** What `installFallbacks` put on a backend so far (empty when none). */
export function installedFallbacks(backendName: string): InstalledFallback[] {
  return installedByBackend.get(backendName) ?? [];
}

/**
 * Removes LiftGuard's kernels from a backend and restores the backend's own, so that a
 * benchmark can compare before and after. `installFallbacks` puts them back.
 */
export function uninstallFallbacks(backendName: string): void {
  const installed = installedByBackend.get(backendName) ?? [];
  if (backendName === 'wasm') suspendBlas();
  uninstallTransposeFreeMatMul(backendName);
  uninstallSubPixelInputGradient(backendName);
  uninstallSharedIdentity(backendName);
  uninstallHeapSign(backendName);
  uninstallHeapGather(backendName);
  for (const { kernelName, kind } of installed) {
    if (kind === 'added') unregisterKernel(kernelName, backendName);
  }
  installedByBackend.delete(backendName);
}
