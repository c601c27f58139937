import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@liftguard/tensor';
import { functionClassifier } from './function-classifier.js';
import { saveClassifier } from './model-files.js';
import type { SequentialClassifier } from './sequential-classifier.js';

describe('saveClassifier on a model LiftGuard did not build', () => {
  it('says what to use instead and writes nothing', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    const wrapped = functionClassifier((x) => tf.tidy(() => tf.matMul(tf.reshape(x, [-1, 4]), tf.ones([4, 3]))) as tf.Tensor2D, { inputShape: [4], numClasses: 3 });
    const dir = join(mkdtempSync(join(tmpdir(), 'liftguard-save-wrapped-')), 'out');
    await expect(saveClassifier(wrapped as unknown as SequentialClassifier, dir)).rejects.toThrow(/use saveTfjsModel\(classifier, dir\)/);
    expect(readdirSync(join(dir, '..'))).toEqual([]);
  });
});
