// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-wasm');
const { enableBlas, blasStatus } = require('@liftguard/tensor-blas');

const off = enableBlas({ library: 'off' });
if (off.active || off.reason !== 'turned off by the library option=off') throw new Error(`off gave ${JSON.stringify(off)}`);
const status = enableBlas();
tf.setBackend('wasm').then(() => {
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
  if (y !== 11) throw new Error(`matMul gave ${y}`);
  if (blasStatus().active !== status.active) throw new Error('status changed');
  console.log('cjs ok');
});
