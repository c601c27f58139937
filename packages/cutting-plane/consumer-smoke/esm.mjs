import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@liftguard/tensor';
import {
  CutMatrix,
  DualQpSolver,
  HighsQpSolver,
  predictLogits,
  repairClassifier,
} from '@liftguard/cutting-plane';

await initBackend({ quiet: true });
// A linear classifier that gets its one example wrong; repair its weights.
const w = tf.variable(
  tf.tensor2d([
    [1, 0],
    [0, 1],
  ]),
  true,
  'smoke/w',
);
const b = tf.variable(tf.tensor1d([0, 0]), true, 'smoke/b');
const classifier = {
  inputShape: [2],
  numClasses: 2,
  trainableVariables: [w, b],
  predict: (x) => tf.tidy(() => tf.add(tf.matMul(x, w), b)),
};
const x = tf.tensor2d([[2, 1]]);
const result = await repairClassifier({
  classifier,
  adversarial: { x, labels: [1] },
  validation: { x, labels: [1] },
  cleanLoss: false,
  omega: 1,
});
const [z0, z1] = predictLogits(classifier, x);
if (!(z1 - z0 >= 0.1 - 1e-4)) throw new Error(`margin ${z1 - z0} after repair`);
if (result.stopReason !== 'feasible') throw new Error(`stopped: ${result.stopReason}`);
tf.dispose([x, w, b]);

// Single cut closed form: d = −max(0, −r/‖a‖²)·a.
const solution = new DualQpSolver().solveSync({
  cuts: new CutMatrix(2, [Float32Array.of(3, 4)]),
  rhs: Float64Array.of(-5),
});
if (Math.abs(solution.x[0] + 0.6) > 1e-12 || Math.abs(solution.x[1] + 0.8) > 1e-12)
  throw new Error(`wrong step ${solution.x}`);

// `highs` is an optional peer: without it the adapter explains what to install.
const highs = await HighsQpSolver.create().then(
  () => 'loaded',
  (error) => String(error),
);
if (highs !== 'loaded' && !highs.includes('npm install highs')) throw new Error(highs);
console.log(
  `esm ok: ${result.trace.length} iteration(s), highs ${highs === 'loaded' ? 'present' : 'absent'}`,
);
