import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { fusedBatchNormGradient } from './batch-norm-gradient.js';
import { clipByValueGradient } from './clip-gradient.js';
import { fusedConv2dGradient, fusedDepthwiseConv2dGradient } from './fused-conv-gradient.js';

/** Kernels whose gradient must be registered: a canary for the whole registration. */
const canaryGradients = ['BatchMatMul', 'Conv2D', 'Relu', 'Softmax', 'Sum', 'Add'];

let registration: Promise<void> | undefined;

/**
 * Registers tfjs-core's gradient functions. tfjs-core alone registers none; in Node its
 * ESM entry for them cannot load, so the package maps `#register-gradients` to a bundled
 * copy there and to tfjs-core's own module in bundlers.
 */
export function registerGradients(): Promise<void> {
  registration ??= (async () => {
    await import('#register-gradients');
    applyGradientOverrides();
    const missing = canaryGradients.filter((name) => getGradient(name) == null);
    if (missing.length > 0) {
      throw new Error(`gradient registration failed: no gradient for ${missing.join(', ')}`);
    }
  })();
  return registration;
}

/**
 * LiftGuard's replacements of tfjs-core gradients (same values, faster): see
 * batch-norm-gradient.ts and clip-gradient.ts; plus lazy gradients of the fused conv kernels
 * (fused-conv-gradient.ts), which tfjs-core leaves to a customGrad. Importing @tensorflow/tfjs-layers re-registers
 * every tfjs-core gradient, so code that loads it after `initBackend` calls this again (the
 * models package does).
 */
export function applyGradientOverrides(): void {
  for (const config of [fusedBatchNormGradient, clipByValueGradient, fusedConv2dGradient, fusedDepthwiseConv2dGradient]) {
    if (getGradient(config.kernelName) !== config) registerGradient(config);
  }
}
