import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random } from '@liftguard/tensor';
import { activityGradients, denseMlp, disposeNetworkParameters, forwardPass, reweightedPotential } from '@liftguard/potentials';

const info = await initBackend({ quiet: true });
const random = new Random(1);
const network = denseMlp([4, 3, 2], { random });
const x = random.normalTensor([2, 4]);
const z = forwardPass(network, x);
// Fenchel-Young: the forward pass has zero energy and satisfies the KKT conditions of U^γ
// (zero gradient where z > 0, non-negative where the ReLU constraint z ≥ 0 is active).
const energy = reweightedPotential(network, x, z, [0.5, 2]).dataSync();
const gradients = activityGradients(network, x, z, [0.5, 2]);
const violation = Math.max(
  ...gradients.map((g, k) => {
    const values = z[k].dataSync();
    return Math.max(...g.dataSync().map((v, i) => (k < 1 && values[i] === 0 ? Math.max(0, -v) : Math.abs(v))));
  }),
);
if (energy.some((e) => e !== 0) || violation > 1e-6) throw new Error(`forward pass is not stationary: ${energy}, ${violation}`);
tf.dispose([x, ...z, ...gradients]);
disposeNetworkParameters(network);
console.log(`esm ok on ${info.name}`);
