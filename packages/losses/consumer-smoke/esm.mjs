import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@liftguard/tensor';
import { mlp } from '@liftguard/models';
import { createLoss, listLosses } from '@liftguard/losses';
import { arovrTerms, liftedLoss } from '@liftguard/losses/lifted';

await initBackend({ quiet: true });
const model = mlp([8, 6, 3], { seed: 1 });
const labels = Int32Array.from([0, 1, 2, 1]);
const x = tf.randomUniform([4, 8], 0, 1, 'float32', 3);
const oneHot = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32');
const loss = createLoss('arovr', { beta: 0.5 });
const out = loss.compute(model, { x, oneHot, labels });
if (!(out.value >= out.diagnostics.cleanLoss - 1e-5)) throw new Error('AROVR must bound the clean loss from above');
tf.dispose([x, oneHot, ...Object.values(out.grads), ...model.trainableVariables]);
loss.dispose();
if (typeof liftedLoss !== 'function' || typeof arovrTerms !== 'function') throw new Error('@liftguard/losses/lifted is missing the template');
console.log(`esm ok: ${listLosses().length} losses`);
