// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@liftguard/tensor');
const { describeFileError } = require('@liftguard/tensor/files');
if (!describeFileError({ code: 'ENOENT' }, '/x', 'read').message.includes('/x')) throw new Error('files subpath');

initBackend({ backend: 'cpu', quiet: true }).then(() => {
  const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
  if (y !== 11) throw new Error(`matMul gave ${y}`);
  console.log('cjs ok');
});
