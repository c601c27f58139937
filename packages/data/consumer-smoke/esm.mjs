import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { initBackend, assertNoLeaks } from '@liftguard/tensor';
import { BatchIterator, encodeIdx, experimentSplits, loadDataset, locateDataset } from '@liftguard/data';

await initBackend({ quiet: true });
// A tiny gzip dataset: 6 training and 2 test images of 2×2 pixels.
const dir = mkdtempSync(join(tmpdir(), 'liftguard-data-smoke-'));
const write = (name, dims, values) => writeFileSync(join(dir, `${name}.gz`), gzipSync(encodeIdx({ type: 'uint8', dims, data: Uint8Array.from(values) })));
write('train-images-idx3-ubyte', [6, 2, 2], Array.from({ length: 24 }, (_, i) => i * 10));
write('train-labels-idx1-ubyte', [6], [0, 1, 2, 3, 4, 5]);
write('t10k-images-idx3-ubyte', [2, 2, 2], [255, 0, 0, 0, 0, 0, 0, 255]);
write('t10k-labels-idx1-ubyte', [2], [9, 8]);

const dataset = await loadDataset('mnist', { dataDir: dir });
const { train, validation } = experimentSplits(dataset, { trainSize: 4, validationSize: 2 });
if (validation.labels[1] !== 5 || train.count !== 4) throw new Error('wrong split');
const sums = assertNoLeaks(() => {
  const out = [];
  for (const batch of new BatchIterator(train, { batchSize: 3, shuffle: true, seed: 1 })) out.push(batch.x.dataSync().reduce((a, v) => a + v, 0));
  return out;
});
const expected = Array.from({ length: 16 }, (_, i) => (i * 10) / 255).reduce((a, v) => a + v, 0);
if (Math.abs(sums[0] + sums[1] - expected) > 1e-4) throw new Error(`pixel sum ${sums[0] + sums[1]} != ${expected}`);
try {
  locateDataset('fashion-mnist', { dataDir: join(dir, 'nothing-here') });
  throw new Error('expected a DatasetNotFoundError');
} catch (error) {
  if (!/apt-get install dataset-fashion-mnist/.test(error.message)) throw error;
}
console.log('esm ok');
