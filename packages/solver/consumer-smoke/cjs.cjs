// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const tf = require('@tensorflow/tfjs-core');
const { initBackend, Random } = require('@liftguard/tensor');
const { denseMlp, disposeNetworkParameters, forwardPass } = require('@liftguard/potentials');
const { solveActivities } = require('@liftguard/solver');

initBackend({ backend: 'cpu', quiet: true }).then(() => {
  const random = new Random(3);
  const network = denseMlp([4, 3, 2], { random });
  const x = random.normalTensor([2, 4]);
  // The Fenchel-Young free state is the forward pass.
  const { activities } = solveActivities(network, x, { rounds: 3 });
  const forward = forwardPass(network, x);
  const gap = Math.max(...activities.map((z, k) => tf.max(tf.abs(tf.sub(z, forward[k]))).dataSync()[0]));
  if (!(gap < 1e-6)) throw new Error(`free state differs from the forward pass by ${gap}`);
  tf.dispose([x, ...activities, ...forward]);
  disposeNetworkParameters(network);
  console.log('cjs ok');
});
