// A Keras-style tfjs model with a softmax head and user data in .npy files, end to end through
// inspect, eval and attack: no LiftGuard format anywhere.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@liftguard/tensor';
import { runCli } from './test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-user-model-'));
const modelDir = join(work, 'keras');
const n = 24;

/** A .npy file (format 1.0, little-endian, C order). */
function npy(path: string, descr: string, shape: number[], data: Uint8Array | Int32Array): void {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0, header.length & 255, header.length >> 8]), Buffer.from(header, 'latin1')]);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  mkdirSync(modelDir);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileSync(join(modelDir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
      writeFileSync(join(modelDir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  // Pixels 0–255; labels are the model's own predictions, so clean accuracy is 100 %.
  const pixels = Uint8Array.from({ length: n * 8 * 8 * 3 }, (_, i) => (i * 37 + 11) % 256);
  const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(Float32Array.from(pixels), [n, 8, 8, 3])) as tf.Tensor, 1).dataSync());
  npy(join(work, 'x.npy'), '|u1', [n, 8, 8, 3], pixels);
  npy(join(work, 'y.npy'), '<i4', [n], Int32Array.from(predicted));
  model.dispose();
});

describe('a user tfjs model with a softmax head and .npy data', () => {
  it('inspect sees the input, the logits behind the softmax and flowing gradients', () => {
    const run = runCli(['inspect', '--model', modelDir, '--input-range', '0-255', '--json']);
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen).toMatchObject({ format: 'layers-model', kind: 'tfjs-layers', inputShape: [8, 8, 3], inputRange: [0, 255], numClasses: 5, gradients: { flows: true } });
    expect(seen.parameterCount).toBe(3 * 3 * 3 * 4 + 4 + 36 * 5 + 5);
  });

  it('eval attacks in pixel units within the declared box, robust accuracy falling with ε', () => {
    const run = runCli(['eval', '--model', join(modelDir, 'model.json'), '--data', join(work, 'x.npy'), '--data-labels', join(work, 'y.npy'), '--input-range', '0-255', '--eps', '1,16', '--attacks', 'fgsm,pgd', '--steps', '10', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ count: n, inputRange: [0, 255], cleanAccuracy: 1 });
    for (const r of summary.robust) expect(r.robustAccuracy[1]).toBeLessThanOrEqual(r.robustAccuracy[0]);
    expect(summary.robust[1].robustAccuracy[1]).toBeLessThan(1);
  });

  it('attack writes a report that states the range and the data', () => {
    const out = join(work, 'robustness.json');
    const run = runCli(['attack', '--model', modelDir, '--data', join(work, 'x.npy'), '--data-labels', join(work, 'y.npy'), '--input-range', '0-255', '--out', out, '--eps', '8', '--count', '12', '-q']);
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.dataset.count).toBe(12);
    expect(report.notes.join(' ')).toMatch(/Inputs in \[0, 255\] \(the model's declared range\)/);
    expect(report.notes.join(' ')).toMatch(/x\.npy/);
  });

  it('a shape mismatch and a missing label file are one clear line each', () => {
    const mismatch = runCli(['eval', '--model', modelDir, '--eps', '0.1']);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr.trim().split('\n')).toHaveLength(1);
    expect(mismatch.stderr).toMatch(/takes inputs of shape \[8, 8, 3\].*give your images with --data/);
    const labels = runCli(['eval', '--model', modelDir, '--data', join(work, 'x.npy'), '--data-labels', join(work, 'nope.npy'), '--input-range', '0-255']);
    expect(labels.code).toBe(1);
    expect(labels.stderr.trim().split('\n')).toHaveLength(1);
    expect(labels.stderr).toMatch(/nope\.npy/);
  });
});
