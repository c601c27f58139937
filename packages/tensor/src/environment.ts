import * as tf from '@tensorflow/tfjs-core';
import { blasSummary } from './blas.js';

/** The tensor facts a report's environment block stores. */
export interface TensorEnvironment {
  /** The active tfjs backend, e.g. "wasm". */
  backend: string;
  /** The native libraries behind matMul/conv on wasm (e.g. "OpenBLAS 0.3.21 + oneDNN 2.6.3"), null when none. */
  blas: string | null;
  /** One line for terminals, e.g. "wasm + OpenBLAS 0.3.21 + oneDNN 2.6.3" or "wasm (no BLAS: …)". */
  summary: string;
}

/** Synchronous, for report writers; call after `initBackend`. */
export function tensorEnvironment(): TensorEnvironment {
  const backend = tf.getBackend();
  if (backend !== 'wasm') return { backend, blas: null, summary: backend };
  const blas = blasSummary();
  const native = [blas.library, blas.convolutions, blas.loops].filter((name): name is string => typeof name === 'string').join(' + ');
  return blas.active && native !== ''
    ? { backend, blas: native, summary: `wasm + ${native}` }
    : { backend, blas: null, summary: `wasm (no BLAS: ${blas.reason})` };
}
