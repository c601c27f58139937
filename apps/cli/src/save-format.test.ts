// train --save-format tfjs: the exported model loads with plain tfjs-layers and gives the trained model's logits.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@liftguard/tensor';
import { loadClassifier } from '@liftguard/models/node';
import { runCli } from './test-support/run-cli.js';

describe('train --save-format tfjs', () => {
  it('writes a tfjs LayersModel that reproduces the LiftGuard model', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'liftguard-save-format-')), 'model');
    const run = runCli(['train', '--out', out, '--widths', '784,16,10', '--train-size', '300', '--validation-size', '100', '--test-size', '100', '--epochs', '1', '--save-format', 'tfjs', '-q']);
    expect(run.code, run.stderr).toBe(0);
    await initBackend({ backend: 'cpu', quiet: true });
    const json = JSON.parse(readFileSync(join(out, 'tfjs', 'model.json'), 'utf8'));
    const weights = readFileSync(join(out, 'tfjs', json.weightsManifest[0].paths[0]));
    const exported = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) }));
    const ours = await loadClassifier(out);
    const x = tf.randomUniform([5, 784], 0, 1, 'float32', 3);
    const [a, b] = [exported.predict(x) as tf.Tensor, ours.predict(x)];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5);
    tf.dispose([x, a, b]);
    exported.dispose();
    ours.dispose();
  });
});
