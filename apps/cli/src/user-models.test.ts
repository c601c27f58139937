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
    const run = runCli(['eval', '--model', join(modelDir, 'model.json'), '--data', join(work, 'x.npy'), '--labels', join(work, 'y.npy'), '--input-range', '0-255', '--eps', '1,16', '--attacks', 'fgsm,pgd', '--steps', '10', '--json']);
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

  it('repair changes only the last dense layer and writes a tfjs model plain tfjs-layers reloads to the chosen candidate', async () => {
    const out = join(work, 'repaired');
    const run = runCli(['repair', '--model', join(modelDir, 'model.json'), '--input-range', '0-255', '--data', join(work, 'x.npy'), '--labels', join(work, 'y.npy'), '--out', out, '--per-class', '1', '--iterations', '5', '--json'], { env: { LIFTGUARD_BACKEND: 'cpu' } });
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ modelFormat: 'layers-model', saveFormat: 'tfjs', parameters: { flag: 'last-dense', count: 185, of: 297, description: expect.stringMatching(/^185 of 297 parameters \(layers dense_\w+\)$/) }, data: { inputRange: [0, 255] } });
    const report = JSON.parse(readFileSync(join(out, 'repair-report.json'), 'utf8'));
    expect(report.title).toMatch(/^Cutting-plane repair of /);
    expect(JSON.stringify(report.blocks[0])).toMatch(/185 of 297 parameters/);
    // Plain tfjs-layers, no LiftGuard: the repaired weights differ from the original only in the dense layer, by ‖Δw‖ of the chosen candidate.
    const load = async (dir: string) => tfl.loadLayersModel(tf.io.fromMemory(await (async () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const data = readFileSync(join(dir, json.weightsManifest[0].paths[0]));
      return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
    })()));
    const [before, after] = [await load(modelDir), await load(out)];
    const weights = (m: tfl.LayersModel) => m.layers.map((l) => l.getWeights().map((w) => w.dataSync() as Float32Array));
    const [w0, w1] = [weights(before), weights(after)];
    let squared = 0;
    w0.forEach((layer, i) => layer.forEach((values, j) => {
      const changed = values.map((v, k) => w1[i]![j]![k]! - v);
      if (before.layers[i]!.getClassName() !== 'Dense') expect(Array.from(changed).every((d) => d === 0)).toBe(true);
      for (const d of changed) squared += d * d;
    }));
    expect(Math.sqrt(squared)).toBeCloseTo(summary.chosen.changeNorm, 4);
    before.dispose();
    after.dispose();
  });

  it('repair refuses to write a tfjs model in LiftGuard\'s format, before any work', () => {
    const run = runCli(['repair', '--model', modelDir, '--input-range', '0-255', '--data', join(work, 'x.npy'), '--labels', join(work, 'y.npy'), '--out', join(work, 'nope'), '--save-format', 'liftguard']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--save-format liftguard writes LiftGuard's own models/);
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
