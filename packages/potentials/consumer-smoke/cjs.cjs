// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
const { initBackend } = require('@liftguard/tensor');
const { fenchelYoungRelu, leastSquaresRelu } = require('@liftguard/potentials');

initBackend({ backend: 'cpu', quiet: true }).then(() => {
  const z = tf.tensor2d([[1, 0]]);
  const a = tf.tensor2d([[3, -2]]);
  // FY: ½(1−3)² − ½(3−3)² + ½(0+2)² − ½(0+2)² = 2; LS: ½(4 + 4) = 4.
  const fy = fenchelYoungRelu().energy(z, a).dataSync()[0];
  const ls = leastSquaresRelu().energy(z, a).dataSync()[0];
  if (fy !== 2 || ls !== 4) throw new Error(`energies ${fy}, ${ls}`);
  console.log('cjs ok');
});
