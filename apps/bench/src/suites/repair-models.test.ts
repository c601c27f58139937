import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeaksAsync, initBackend } from '@liftguard/tensor';
import { committedModelDir, paperRecipe, pretrainedModel, recipeKey } from './repair-models.js';

describe('the committed CNNLight pre-training', () => {
  const cache = mkdtempSync(join(tmpdir(), 'liftguard-pretrained-'));
  beforeAll(async () => {
    await initBackend({ quiet: true });
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('is loaded instead of training (an empty training split would throw), with the hash of its weights file', async () => {
    const recipe = paperRecipe('cnn-light');
    const empty = { images: new Float32Array(0), labels: new Uint8Array(0), count: 0, height: 28, width: 28 };
    const dir = join(committedModelDir, recipeKey(recipe));
    const model = await assertNoLeaksAsync(async () => {
      const loaded = await pretrainedModel(recipe, empty as never, cache, () => {});
      loaded.classifier.dispose();
      return loaded;
    });
    expect([model.trained, model.dir]).toEqual([false, dir]);
    expect(model.weightsSha256).toBe(createHash('sha256').update(readFileSync(join(dir, 'weights.bin'))).digest('hex'));
  });
});
