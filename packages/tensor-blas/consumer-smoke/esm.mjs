import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { enableBlas, disableBlas } from '@liftguard/tensor-blas';

const status = enableBlas();
await tf.setBackend('wasm');
// With or without a BLAS library on this machine the product is right; the status says which ran.
const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
const b = tf.tensor2d([[7, 8], [9, 10], [11, 12]]);
const y = Array.from(tf.matMul(a, b).dataSync());
if (JSON.stringify(y) !== JSON.stringify([58, 64, 139, 154])) throw new Error(`matMul gave ${y}`);
if (typeof status.reason !== 'string' || status.reason.includes('\n')) throw new Error(`bad status ${JSON.stringify(status)}`);
disableBlas();
console.log(`esm ok (${status.active ? status.library : `plain wasm: ${status.reason}`})`);
