import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { fgsm, runAttack } from '@liftguard/attacks';

// A two-class linear model: for label 1 the cross-entropy gradient is p0·(w0 − w1), so FGSM's
// L∞ step is ε·sign(w0 − w1), known in closed form (no column of w0 − w1 is zero: a rounding
// residual there would have either sign).
const info = await initBackend({ quiet: true });
const w = tf.tensor2d([
  [1, -1],
  [-2, 2],
  [0.5, 0.25],
]);
const model = {
  inputShape: [3],
  numClasses: 2,
  trainableVariables: [],
  predict: (x) => tf.matMul(x, w),
};
const x = tf.tensor2d([[0.5, 0.5, 0.5]]);
const result = await assertNoLeaksAsync(() =>
  runAttack(model, { x, labels: [1] }, fgsm(), { epsilons: [0.1] }),
);
const delta = Array.from(result.clipped[0].dataSync()).map((v) => Number((v - 0.5).toFixed(6)));
if (JSON.stringify(delta) !== JSON.stringify([0.1, -0.1, 0.1])) throw new Error(`FGSM step ${delta}`);
if (result.config.attack.attack !== 'fgsm' || result.success[0].length !== 1)
  throw new Error('bad result');
tf.dispose([...result.raw, ...result.clipped, w, x]);
console.log(`esm ok on ${info.name}`);
