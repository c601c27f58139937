import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repairClassifier } from '@liftguard/cutting-plane';
import { Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { layersModelClassifier } from './layers-model-classifier.js';
import { selectRepairParameters } from './repair-layers.js';
import { everyLayerModel, randomizeWeights } from './test-support/vision-models.js';
import { saveTfjsModel } from './tfjs-model-files.js';

describe('repair of a user LayersModel (softmax head) and export', () => {
  it('repairs the logits layer chosen by selectRepairParameters; plain tfjs reloads the repaired predictions', async () => {
    const model = everyLayerModel('softmax');
    randomizeWeights(model, 'repair');
    const classifier = layersModelClassifier(model);
    const chosen = selectRepairParameters(classifier);
    expect(chosen.parameterCount).toBe(65);
    const n = 12;
    const x = tf.tensor4d(new Random('repair-x').uniformArray(n * 300, 0, 1), [n, 10, 10, 3]);
    const before = tf.tidy(() => tf.argMax(classifier.predict(x), 1).dataSync());
    // Labels the model currently gets wrong: the repair must make every one correct with margin δ.
    const labels = Int32Array.from(before, (p) => (p + 1) % 5);
    const margin = 0.1;
    const result = await repairClassifier({
      classifier, parameters: chosen.variables, adversarial: { x, labels }, validation: { x, labels },
      form: 'perClass', cutThreshold: Infinity, cleanLoss: false, margin, maxIterations: 3, omega: 1,
    });
    expect(result.stopReason).toBe('feasible');
    const logits = classifier.predict(x);
    const z = logits.arraySync();
    for (let i = 0; i < n; i++) for (let j = 0; j < 5; j++) if (j !== labels[i]) expect(z[i]![j]! - z[i]![labels[i]!]! + margin).toBeLessThanOrEqual(1e-4);
    // Only the chosen layer moved: every other variable of the model is untouched by construction of the selection.
    expect(result.variables.map((v) => v.shape)).toEqual([[12, 5], [5]]);
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-repair-export-'));
    try {
      await saveTfjsModel(classifier, dir);
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const reloaded = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(readFileSync(join(dir, 'weights.bin'))).buffer }));
      const probabilities = reloaded.predict(x) as tf.Tensor;
      expect(Array.from(tf.argMax(probabilities, 1).dataSync())).toEqual(Array.from(labels));
      const expected = tf.softmax(logits);
      const diff = tf.max(tf.abs(tf.sub(probabilities, expected))).dataSync()[0]!;
      expect(diff).toBeLessThan(1e-6);
      tf.dispose([probabilities, expected]);
      reloaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    tf.dispose([x, logits]);
    model.dispose();
  });
});
