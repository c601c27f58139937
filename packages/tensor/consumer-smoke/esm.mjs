import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, capabilityReport, initBackend, Random } from '@liftguard/tensor';
import { readFileBounded } from '@liftguard/tensor/files';

const info = await initBackend({ quiet: true });
const report = await capabilityReport();
if (report.gaps.length) throw new Error(`gaps on ${info.name}: ${report.gaps.join(', ')}`);
const w = new Random(1).normalTensor([3, 2]);
const grad = assertNoLeaks(() => tf.grad((v) => tf.sum(tf.square(v)))(w));
const expected = w.arraySync().map((row) => row.map((v) => 2 * v));
if (grad.arraySync().some((row, i) => row.some((v, j) => Math.abs(v - expected[i][j]) > 1e-6))) {
  throw new Error('wrong gradient');
}
tf.dispose([w, grad]);
// The Node-only subpath resolves when the package is installed alone, and refuses a device.
const refused = await readFileBounded('/dev/zero').then(() => false, (e) => e.code === 'ENOTREGULAR');
if (!refused) throw new Error('@liftguard/tensor/files read /dev/zero');
console.log(`esm ok on ${info.name}`);
