import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { cnnLight, mlp } from './builders.js';
import { loadClassifier, saveClassifier } from './model-files.js';
import { ModelFormatError, sha256Hex } from './model-format.js';

const bits = (values: Float32Array[]) => values.map((v) => Array.from(new Uint32Array(v.buffer, v.byteOffset, v.length)));

describe('saveClassifier / loadClassifier', () => {
  it('round-trips bit-exactly, including subnormals, -0 and extremes', async () => {
    await assertNoLeaksAsync(async () => {
      const model = cnnLight({ seed: 5 });
      const values = model.parameterValues();
      values[1]!.set([1.4e-45, -0, 3.4028234e38, -1.17549435e-38]);
      model.setParameterValues(values);
      const dir = mkdtempSync(join(tmpdir(), 'liftguard-model-'));
      const manifest = await saveClassifier(model, dir, { note: 'test' });
      expect(manifest.version).toBe(1);
      expect(manifest.weights.byteLength).toBe(4 * 41_008);
      // The hash is SHA-256 of weights.bin as written (checked with Node's crypto, not our helper).
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(readFileSync(join(dir, 'weights.bin'))).digest('hex')).toBe(manifest.weights.sha256);
      const loaded = await loadClassifier(dir);
      expect(bits(loaded.parameterValues())).toEqual(bits(model.parameterValues()));
      expect(loaded.spec).toEqual(model.spec);
      const x = new Random(1).uniformTensor([2, 28, 28, 1]);
      const [a, b] = [model.predict(x), loaded.predict(x)];
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    });
  });

  async function savedMlp(): Promise<string> {
    const model = mlp([4, 3, 2], { seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-model-'));
    await saveClassifier(model, dir);
    model.dispose();
    return dir;
  }

  function editManifest(dir: string, edit: (m: Record<string, unknown> & { parameters: { shape: number[] }[] }) => void): void {
    const path = join(dir, 'model.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    edit(manifest);
    writeFileSync(path, JSON.stringify(manifest));
  }

  it('refuses a newer format version', async () => {
    const dir = await savedMlp();
    editManifest(dir, (m) => (m.version = 2));
    await expect(loadClassifier(dir)).rejects.toThrow(/format version 2 is newer than this @liftguard\/models reads \(up to 1\); upgrade/);
  });

  it('refuses parameters whose shapes do not match the spec', async () => {
    const dir = await savedMlp();
    editManifest(dir, (m) => (m.parameters[0]!.shape = [3, 4]));
    await expect(loadClassifier(dir)).rejects.toThrow(/layers.0.kernel has shape \[3, 4\], the spec needs \[4, 3\]/);
  });

  it('refuses a spec changed under the weights', async () => {
    const dir = await savedMlp();
    editManifest(dir, (m) => ((m.spec as { layers: { units?: number }[] }).layers[0]!.units = 5));
    await expect(loadClassifier(dir)).rejects.toThrow(/layers.0.kernel has shape \[4, 3\], the spec needs \[4, 5\]/);
  });

  it('detects corrupt and truncated weights', async () => {
    const dir = await savedMlp();
    const weights = readFileSync(join(dir, 'weights.bin'));
    weights[3] = weights[3]! ^ 1;
    writeFileSync(join(dir, 'weights.bin'), weights);
    await expect(loadClassifier(dir)).rejects.toThrow(/weights.bin is corrupt: SHA-256 [0-9a-f]{64} does not match/);
    writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, 8));
    await expect(loadClassifier(dir)).rejects.toThrow(/weights.bin has 8 bytes, the manifest says 92 \(truncated\?\)/);
  });

  it('names a missing or foreign manifest', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'liftguard-model-'));
    await expect(loadClassifier(empty)).rejects.toThrow(ModelFormatError);
    writeFileSync(join(empty, 'model.json'), JSON.stringify({ format: 'keras' }));
    await expect(loadClassifier(empty)).rejects.toThrow(/not a LiftGuard model manifest \(format is "keras"\)/);
  });

  it('sha256Hex matches the published test vector for "abc"', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('saving over a model', () => {
  it('alternates weight files so model.json always names a complete one, and removes the old one', async () => {
    const { mkdtempSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { mlp } = await import('./builders.js');
    const { saveClassifier, loadClassifier } = await import('./model-files.js');
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-resave-'));
    const first = mlp([4, 3], { seed: 1 });
    const second = mlp([4, 3], { seed: 2 });
    const a = await saveClassifier(first, dir);
    const b = await saveClassifier(second, dir);
    expect(b.weights.file).not.toBe(a.weights.file);
    expect(readdirSync(dir).sort()).toEqual([b.weights.file, 'model.json'].sort());
    const loaded = await loadClassifier(dir);
    expect(loaded.parameterValues()).toEqual(second.parameterValues());
    const c = await saveClassifier(first, dir);
    expect(c.weights.file).not.toBe(b.weights.file);
    expect(readdirSync(dir).sort()).toEqual([c.weights.file, 'model.json'].sort());
    [first, second, loaded].forEach((m) => m.dispose());
  });
});
