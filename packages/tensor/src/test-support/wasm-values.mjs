/* global console */
// Prints, as JSON, a few ops' values and gradients on the wasm backend picked up from the
// environment (LIFTGUARD_WASM_THREADS, LIFTGUARD_BLAS), plus the capability report's thread
// and BLAS state. Run by wasm-threads.test.ts in separate processes.
import * as tf from '@tensorflow/tfjs-core';
import { capabilityReport, initBackend, Random } from '../../dist/index.js';

await initBackend({ backend: 'wasm', quiet: true });
const rng = new Random(3);
const t = (shape) => tf.tensor(rng.normalArray(shape.reduce((a, b) => a * b, 1)), shape);
const values = tf.tidy(() => {
  const a = t([64, 300]);
  const b = t([300, 96]);
  const x = t([8, 14, 14, 16]);
  const w = t([3, 3, 16, 32]);
  const bias = t([32]);
  const loss = (xx, ww) => tf.sum(tf.square(tf.fused.conv2d({ x: xx, filter: ww, strides: 2, pad: 'same', bias, activation: 'relu' })));
  const [dx, dw] = tf.grads(loss)([x, w]);
  return {
    matMul: tf.matMul(a, b, false, false),
    matMulTransposed: tf.matMul(b, a, true, true),
    conv: tf.conv2d(x, w, 1, 'same'),
    dx,
    dw,
    softmax: tf.softmax(tf.matMul(a, b)),
  };
});
const out = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.from(v.dataSync())]));
const report = await capabilityReport();
console.log(JSON.stringify({ threads: { ...report.threads, reason: report.threadsReason }, blas: report.blas.active, values: out }));
