import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { accuracy, cnnLight, mlp, trainClassifier } from '@liftguard/models';
import { loadClassifier, saveClassifier } from '@liftguard/models/node';

await initBackend({ quiet: true });
if (cnnLight().parameterCount !== 41_008) throw new Error('CNNLight parameter count');

// Two separable classes in 2-D; a linear model learns them, then survives a save/load round trip.
const count = 64;
const images = new Float32Array(2 * count);
const labels = new Int32Array(count);
for (let i = 0; i < count; i++) {
  labels[i] = i % 2;
  images[2 * i] = labels[i] ? 1 + (i % 5) / 10 : -1 - (i % 7) / 10;
  images[2 * i + 1] = (i % 3) - 1;
}
const data = { images, labels, count };
const model = mlp([2, 2], { initialization: 'pytorch', seed: 1 });
await assertNoLeaksAsync(() => trainClassifier(model, { train: data, validation: data, epochs: 5, batchSize: 8, seed: 1, learningRate: 0.05 }));
if (accuracy(model, data) !== 1) throw new Error(`accuracy ${accuracy(model, data)}`);
const dir = mkdtempSync(join(tmpdir(), 'liftguard-models-smoke-'));
await saveClassifier(model, dir);
const loaded = await loadClassifier(dir);
const x = tf.tensor2d([[0.3, -0.7]]);
const [a, b] = [model.predict(x), loaded.predict(x)];
if (a.dataSync().some((v, i) => v !== b.dataSync()[i])) throw new Error('save/load changed predictions');
tf.dispose([x, a, b]);
console.log('esm ok');
