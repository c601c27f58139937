import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlp, sha256Hex } from '@liftguard/models';
import { initBackend } from '@liftguard/tensor';
import { cachedModel } from './model-cache.js';

describe('cachedModel', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-model-cache-'));
  beforeAll(async () => {
    await initBackend({ quiet: true });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('trains once, then loads the same weights with the same hash', async () => {
    const dir = join(root, 'tiny-mlp');
    let trainings = 0;
    const train = async () => {
      trainings++;
      return mlp([4, 3, 2], { seed: 2 });
    };
    const first = await cachedModel(dir, 'tiny', { recipe: { seed: 2 } }, train, () => {});
    const second = await cachedModel(dir, 'tiny', { recipe: { seed: 2 } }, train, () => {});
    expect(trainings).toBe(1);
    expect([first.trained, second.trained]).toEqual([true, false]);
    expect(second.trainSeconds).toBeNull();
    expect(second.classifier.parameterValues()).toEqual(first.classifier.parameterValues());
    // The hash is the SHA-256 of the float32 weights, one parameter after another.
    const bytes = new Uint8Array(first.classifier.parameterValues().flatMap((v) => [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)]));
    expect(second.weightsSha256).toBe(await sha256Hex(bytes));
    expect(first.weightsSha256).toBe(second.weightsSha256);
    first.classifier.dispose();
    second.classifier.dispose();
  });
});
