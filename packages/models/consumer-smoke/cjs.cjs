// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@liftguard/tensor');
const { encodeSafetensors, importPytorchWeights, parseSafetensors } = require('@liftguard/models');

initBackend({ backend: 'cpu', quiet: true }).then(() => {
  // PyTorch nn.Linear(2, 1): weight (out, in) = [[2, 3]], bias [1]; logit of [1, 1] is 6.
  const file = encodeSafetensors({ 'fc.weight': { shape: [1, 2], values: Float32Array.from([2, 3]) }, 'fc.bias': { shape: [1], values: Float32Array.from([1]) } });
  const model = importPytorchWeights({ inputShape: [2], layers: [{ type: 'dense', units: 1 }] }, parseSafetensors(file), { layerNames: ['fc'] });
  const x = tf.tensor2d([[1, 1]]);
  const y = model.predict(x).dataSync()[0];
  if (y !== 6) throw new Error(`logit ${y}`);
  console.log('cjs ok');
});
