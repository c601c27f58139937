// End to end from the CLI on a pretrained model a published npm package ships: nsfwjs'
// MobileNetV2 (224×224×3, 5 classes, Dense + softmax head, uint8-quantized weights). The test
// writes the package's model.json and shard to disk as a user would get them, and a few PNG
// photos-to-be (256×256, so the reader resizes and centre-crops); everything else is the CLI.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageDataset } from '@liftguard/data/node';
import { loadLayersModelClassifierFile } from '@liftguard/models/node';
import { initBackend, Random } from '@liftguard/tensor';
import { runCli } from './test-support/run-cli.js';

const require = createRequire(import.meta.url);
const { MobileNetV2Model } = require('nsfwjs/models/mobilenet_v2') as { MobileNetV2Model: { modelJson(): Promise<{ default: { modelTopology: unknown; weightsManifest: { paths: string[]; weights: unknown[] }[] } }>; weightBundles: (() => Promise<{ default: string }>)[] } };

const work = mkdtempSync(join(tmpdir(), 'liftguard-pretrained-'));
const modelDir = join(work, 'nsfwjs-mobilenet-v2');
const photos = join(work, 'photos');
const classes = ['drawing', 'hentai', 'neutral', 'porn', 'sexy']; // nsfwjs' class order, alphabetical
const count = 6;
const long = { timeoutMs: 600_000 };

/** A smooth random colour image (a few sinusoids), as PNG bytes. */
function photo(seed: number, size: number): Buffer {
  const random = new Random(`photo-${seed}`);
  const waves = Array.from({ length: 9 }, () => [random.next() * 0.1, random.next() * 0.1, random.next() * 6]);
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
    const [a, b, phase] = waves[c * 3 + ((x + y) % 3)]!;
    png.data[(y * size + x) * 4 + c] = Math.round(127.5 + 127.5 * Math.sin(a! * x + b! * y + phase!));
    png.data[(y * size + x) * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

beforeAll(async () => {
  const json = (await MobileNetV2Model.modelJson()).default;
  const shard = Buffer.from((await MobileNetV2Model.weightBundles[0]!()).default, 'base64');
  mkdirSync(modelDir);
  writeFileSync(join(modelDir, json.weightsManifest[0]!.paths[0]!), shard);
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify({ format: 'layers-model', ...json }));
  // Labels are the model's own predictions on the images as LiftGuard's reader resizes them, so clean accuracy must be 100 %.
  for (const name of classes) mkdirSync(join(photos, name), { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(photos, 'neutral', `photo-${i}.png`), photo(i, 256));
  await initBackend({ backend: 'wasm', quiet: true });
  const classifier = await loadLayersModelClassifierFile(join(modelDir, 'model.json'));
  const { set } = await loadImageDataset(photos, { inputShape: classifier.inputShape });
  const predicted = tf.tidy(() => Array.from(tf.argMax(classifier.predict(tf.tensor4d(set.images, [set.count, 224, 224, 3])), 1).dataSync()));
  (classifier.model as unknown as tfl.LayersModel).dispose();
  // The reader visits classes in turn; all images are in 'neutral' now, in file-name order.
  predicted.forEach((label, i) => {
    if (classes[label] !== 'neutral') renameSync(join(photos, 'neutral', `photo-${i}.png`), join(photos, classes[label]!, `photo-${i}.png`));
  });
}, 300_000);

describe('nsfwjs MobileNetV2 from the CLI, no hand-written code', () => {
  it('inspect: input, the logits behind the softmax head, 2.26 M parameters, the Dense 128→5 head as the default repair layer, flowing gradients', () => {
    const run = runCli(['inspect', '--model', join(modelDir, 'model.json'), '--json'], long);
    expect(run.code, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout);
    expect(seen).toMatchObject({ format: 'layers-model', inputShape: [224, 224, 3], numClasses: 5, gradients: { flows: true } });
    expect(JSON.stringify(seen.logits)).toMatch(/softmax/);
    expect(seen.parameterCount).toBeGreaterThan(2_000_000);
    expect(seen.repairableLayers.at(-1)).toMatchObject({ className: 'Dense', parameterCount: 128 * 5 + 5 });
  });

  it('eval: clean accuracy 100 % on the resized photos, FGSM at ε 8/255 below it', () => {
    const run = runCli(['eval', '--model', modelDir, '--data', photos, '--eps', String(8 / 255), '--attacks', 'fgsm', '--json'], long);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ count, cleanAccuracy: 1, inputRange: [0, 1] });
    expect(summary.data).toMatch(/resized/);
    expect(summary.robust[0].robustAccuracy[0]).toBeLessThanOrEqual(1);
  });

  it('attack with two ε: robust accuracy never rises with ε, and the report states range and data', () => {
    const out = join(work, 'robustness.json');
    const run = runCli(['attack', '--model', modelDir, '--data', photos, '--attacks', 'pgd', '--steps', '2', '--eps', `${1 / 255},${16 / 255}`, '--out', out, '--examples', '0', '--json'], long);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const [small, large] = report.worstCase[0].robustAccuracy;
    expect(large).toBeLessThanOrEqual(small);
    expect(small).toBeLessThanOrEqual(report.cleanAccuracy);
    expect(report.notes.join(' ')).toMatch(/Inputs in \[0, 1\]/);
    expect(report.notes.join(' ')).toMatch(/photos/);
  });

  it('repair of the head: only the Dense layer moves, the tfjs model it writes reloads in plain tfjs-layers, and report renders it', async () => {
    const out = join(work, 'repaired');
    const run = runCli(['repair', '--model', modelDir, '--data', photos, '--out', out, '--per-class', '1', '--adv-steps', '3', '--iterations', '3', '--json'], long);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ saveFormat: 'tfjs', parameters: { flag: 'last-dense', count: 128 * 5 + 5 } });
    expect(summary.chosen.violatedCount).toBeLessThanOrEqual(summary.original.violatedCount);
    const load = (dir: string) => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p)))));
      return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }));
    };
    const [before, after] = [await load(modelDir), await load(out)];
    let squared = 0;
    before.layers.forEach((layer, i) => {
      const afterWeights = after.layers[i]!.getWeights().map((w) => w.dataSync());
      layer.getWeights().forEach((w, j) => {
        const [original, repaired] = [w.dataSync(), afterWeights[j]!];
        let layerSquared = 0;
        for (let k = 0; k < original.length; k++) layerSquared += (repaired[k]! - original[k]!) ** 2;
        if (layer.getClassName() !== 'Dense') expect(layerSquared, layer.name).toBe(0);
        squared += layerSquared;
      });
    });
    // The saved weights are the chosen candidate: their distance from the original is its ‖Δw‖.
    expect(Math.sqrt(squared)).toBeCloseTo(summary.chosen.changeNorm, 3);
    before.dispose();
    after.dispose();
    const rendered = runCli(['report', join(out, 'repair-report.json'), '--json']);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(existsSync(join(out, 'repair-report.html'))).toBe(true);
  });
});
