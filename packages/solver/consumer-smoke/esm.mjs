import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@liftguard/tensor';
import { denseMap, fenchelYoungIdentity } from '@liftguard/potentials';
import { solveActivities, UnstableSettingsError } from '@liftguard/solver';

const info = await initBackend({ quiet: true });
// One identity layer: the adversarial output is (γ a − β y)/(γ − β) in closed form.
const kernel = tf.tensor2d([[1, 0], [0, 2]]);
const bias = tf.tensor1d([0.5, 0]);
const network = { inputSize: 2, layers: [{ map: denseMap(kernel, bias), potential: fenchelYoungIdentity() }] };
const x = tf.tensor2d([[1, 1]]);
const labels = tf.tensor1d([1], 'int32');
const { activities, trace } = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, gamma: 2, rounds: 1 });
const [z0, z1] = activities[0].dataSync();
const expected = [(2 * 1.5) / 1.5, (2 * 2 - 0.5) / 1.5];
if (Math.abs(z0 - expected[0]) > 1e-5 || Math.abs(z1 - expected[1]) > 1e-5) throw new Error(`got ${z0}, ${z1}`);
if (!trace.monotone) throw new Error('Ψ increased');
let refused = false;
try {
  solveActivities(network, x, { state: 'adversarial', labels, beta: 2, gamma: 2 });
} catch (error) {
  refused = error instanceof UnstableSettingsError;
}
if (!refused) throw new Error('γ_L = β was not refused');
tf.dispose([kernel, bias, x, labels, ...activities]);
console.log(`esm ok on ${info.name}`);
