import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks, Random } from '@liftguard/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { cnnLight, mlp } from './builders.js';
import { layersModelClassifier } from './layers-model-classifier.js';
import { SequentialClassifier } from './sequential-classifier.js';
import { loadLayersModelClassifierFile, loadLayersModelFile, saveTfjsModel } from './tfjs-model-files.js';
import { loadLayersModelClassifier } from './tfjs-artifacts.js';
import { createServer } from 'node:http';
import { everyLayerModel, randomizeWeights } from './test-support/vision-models.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-tfjs-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** tfjs-layers' own loader on the saved files (what a user without LiftGuard runs). */
async function plainTfjsLoad(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const shards = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData }));
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('models out: standard tfjs LayersModel files', () => {
  it('a SequentialClassifier (conv with explicit padding, relu, flatten, dense) reloads in plain tfjs with identical logits', async () => {
    for (const [name, model] of [['cnn-light', cnnLight({ seed: 3 })], ['mlp', mlp([784, 32, 10], { seed: 4 })]] as const) {
      const dir = join(work, name);
      await saveTfjsModel(model, dir);
      const reloaded = await plainTfjsLoad(dir);
      const x = tf.tensor(new Random(name).uniformArray(4 * 784, 0, 1), [4, ...model.inputShape]);
      const ours = model.predict(x);
      const theirs = reloaded.predict(x) as tf.Tensor;
      expect(theirs.shape).toEqual(ours.shape);
      expect(maxAbsDiff(theirs.dataSync(), ours.dataSync())).toBeLessThanOrEqual(1e-5);
      tf.dispose([x, ours, theirs]);
      reloaded.dispose();
    }
  });

  it('a wrapped LayersModel with changed (repaired) weights and a softmax head reloads with the same logits', async () => {
    const model = everyLayerModel('softmax');
    randomizeWeights(model, 'export');
    const classifier = layersModelClassifier(model);
    // A repair moves the last dense layer: change its variables in place.
    const last = classifier.trainableVariables.at(-2)!;
    tf.tidy(() => last.assign(tf.add(last, tf.randomNormal(last.shape, 0, 0.5, 'float32', 1))));
    const dir = join(work, 'every-layer');
    await saveTfjsModel(classifier, dir);
    const reloaded = await plainTfjsLoad(dir);
    const x = tf.tensor4d(new Random('x').uniformArray(2 * 300, 0, 1), [2, 10, 10, 3]);
    const repaired = classifier.predict(x);
    const again = layersModelClassifier(reloaded).predict(x);
    expect(maxAbsDiff(again.dataSync(), repaired.dataSync())).toBeLessThanOrEqual(1e-6);
    const probabilities = reloaded.predict(x) as tf.Tensor;
    const fromLogits = tf.softmax(repaired);
    expect(maxAbsDiff(probabilities.dataSync(), fromLogits.dataSync())).toBeLessThan(1e-6);
    tf.dispose([x, repaired, again, probabilities, fromLogits]);
    model.dispose();
    reloaded.dispose();
  });

  it('never overwrites an existing model silently', async () => {
    const dir = join(work, 'taken');
    const model = mlp([4, 3], { seed: 1 });
    await saveTfjsModel(model, dir);
    await expect(saveTfjsModel(model, dir)).rejects.toThrow(/model\.json already exists; choose another folder or pass overwrite: true/);
    await expect(saveTfjsModel(model, dir, { overwrite: true })).resolves.toMatch(/model\.json$/);
  });
});

describe('models in: model.json paths in Node without tfjs-node', () => {
  it('loads a folder path, wraps it in pixel units (range, mean, std); predict leaks nothing', async () => {
    const model = everyLayerModel('softmax');
    randomizeWeights(model, 'files');
    const dir = join(work, 'load');
    await saveTfjsModel(layersModelClassifier(model), dir);
    const classifier = await loadLayersModelClassifierFile(dir, { range: '0-255', mean: [127.5, 127.5, 127.5], std: 127.5 });
    expect(classifier.inputShape).toEqual([10, 10, 3]);
    expect(classifier.inputRange).toEqual([0, 255]);
    expect(classifier.logits.removed).toBe('softmax activation');
    // Pixel-space input x ∈ [0, 255] gives the model (x − 127.5)/127.5.
    const pixels = tf.tensor4d(new Random('p').uniformArray(300, 0, 255), [1, 10, 10, 3]);
    const normalized = tf.div(tf.sub(pixels, 127.5), 127.5);
    const direct = layersModelClassifier(model).predict(normalized);
    const viaSpace = assertNoLeaks(() => classifier.predict(pixels));
    expect(maxAbsDiff(viaSpace.dataSync(), direct.dataSync())).toBeLessThan(1e-5);
    tf.dispose([pixels, normalized, direct, viaSpace]);
    model.dispose();
  });

  it('loads from a URL over http (the browser path) and from memory with base64 shards', async () => {
    const model = everyLayerModel('softmax-layer');
    randomizeWeights(model, 'url');
    const dir = join(work, 'served');
    await saveTfjsModel(layersModelClassifier(model), dir);
    const server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(dir, (req.url ?? '/').slice(1))));
      } catch {
        res.writeHead(404).end();
      }
    });
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      const viaUrl = await loadLayersModelClassifier(`http://127.0.0.1:${port}/model.json`);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const viaMemory = await loadLayersModelClassifier({ modelJson: json, weights: { 'weights.bin': readFileSync(join(dir, 'weights.bin')).toString('base64') } });
      const x = tf.tensor4d(new Random('u').uniformArray(300, 0, 1), [1, 10, 10, 3]);
      const expected = layersModelClassifier(model).predict(x);
      for (const c of [viaUrl, viaMemory]) {
        expect(c.logits.removed).toBe('softmax layer');
        const got = c.predict(x);
        expect(maxAbsDiff(got.dataSync(), expected.dataSync())).toBe(0);
        got.dispose();
      }
      tf.dispose([x, expected]);
    } finally {
      server.close();
      model.dispose();
    }
  });

  it('missing, truncated and foreign files are one clear error each', async () => {
    const dir = join(work, 'broken');
    await saveTfjsModel(mlp([4, 3], { seed: 2 }), dir);
    truncateSync(join(dir, 'weights.bin'), 10);
    await expect(loadLayersModelFile(dir)).rejects.toThrow(/weight shards weights\.bin hold 10 bytes, their 2 weights need 60: truncated or from another model/);
    unlinkSync(join(dir, 'weights.bin'));
    await expect(loadLayersModelFile(join(dir, 'model.json'))).rejects.toThrow(/names weight shard\(s\) missing from .*broken: weights\.bin/);
    await expect(loadLayersModelFile(join(work, 'nothing-here'))).rejects.toThrow(/does not exist/);
    const empty = join(work, 'empty');
    await saveTfjsModel(mlp([4, 3], { seed: 2 }), empty);
    unlinkSync(join(empty, 'model.json'));
    await expect(loadLayersModelFile(empty)).rejects.toThrow(/the folder .*empty has no model\.json/);
    writeFileSync(join(empty, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
    await expect(loadLayersModelFile(empty)).rejects.toThrow(/is a tfjs GraphModel; load it with tf\.loadGraphModel/);
    writeFileSync(join(empty, 'model.json'), JSON.stringify({ format: 'liftguard-model', version: 1 }));
    await expect(loadLayersModelFile(empty)).rejects.toThrow(/is a LiftGuard model; load it with loadClassifier/);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.modelTopology.config.layers[0].class_name = 'MyCustomLayer';
    writeFileSync(join(empty, 'model.json'), JSON.stringify(json));
    writeFileSync(join(empty, 'weights.bin'), new Uint8Array(60));
    await expect(loadLayersModelFile(empty)).rejects.toThrow(/uses layer class 'MyCustomLayer', which tfjs-layers 4\.22 does not provide/);
  });
});

it('SequentialClassifier stays a SequentialClassifier (export does not change it)', () => {
  expect(mlp([4, 3], { seed: 1 })).toBeInstanceOf(SequentialClassifier);
});
