import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaksAsync } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { mlp } from './builders.js';
import { loadClassifier, saveClassifier, saveClassifierFolder } from './model-files.js';
import { ModelFormatError } from './model-format.js';
import { loadPytorchSafetensors } from './pytorch-safetensors-file.js';
import { encodeSafetensors, parseSafetensors } from './safetensors.js';

/** Every file under `dir` (path relative to `dir` → base64 bytes). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name)).toString('base64');
  }
  return out;
}

describe('saving never destroys a file it did not write', () => {
  for (const hostile of ['precious.txt', 'model.json', '..', '.', '../outside.txt']) {
    it(`an old manifest naming ${JSON.stringify(hostile)}: every earlier file survives byte for byte and the new model loads`, async () => {
      await assertNoLeaksAsync(async () => {
        const root = mkdtempSync(join(tmpdir(), 'liftguard-hostile-'));
        const dir = join(root, 'out');
        mkdirSync(dir);
        writeFileSync(join(dir, 'precious.txt'), 'user data');
        writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'liftguard-model', version: 1, weights: { file: hostile } }));
        writeFileSync(join(root, 'outside.txt'), 'next door');
        const before = { ...snapshot(root) };
        const model = mlp([4, 3, 2], { seed: 3 });
        const { previous } = await saveClassifierFolder(model, dir, { note: 'new' });
        // The earlier folder is intact under its new name, the neighbour untouched.
        const moved = Object.fromEntries(Object.entries(snapshot(previous!)).map(([k, v]) => [`/out${k}`, v]));
        expect({ ...moved, '/outside.txt': snapshot(root)['/outside.txt'] }).toEqual(before);
        const loaded = await loadClassifier(dir);
        expect(loaded.parameterValues()).toEqual(model.parameterValues());
        expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
        model.dispose();
        loaded.dispose();
      });
    });
  }

  it('replaces its own checkpoints in place, leaving only the newest', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'liftguard-ckpt-')), 'out');
    const [a, b] = [mlp([4, 2], { seed: 1 }), mlp([4, 2], { seed: 2 })];
    await saveClassifier(a, dir);
    await saveClassifier(b, dir);
    expect(readdirSync(join(dir, '..')).sort()).toEqual(['out']);
    const loaded = await loadClassifier(dir);
    expect(loaded.parameterValues()).toEqual(b.parameterValues());
    [a, b, loaded].forEach((m) => m.dispose());
  });
});

describe('reading models refuses what it should not read', () => {
  async function saved(): Promise<string> {
    const dir = join(mkdtempSync(join(tmpdir(), 'liftguard-read-')), 'model');
    const model = mlp([4, 3, 2], { seed: 1 });
    await saveClassifier(model, dir);
    model.dispose();
    return dir;
  }

  it('refuses weights that are a symbolic link to /dev/zero, at once', async () => {
    const dir = await saved();
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    symlinkSync('/dev/zero', join(dir, 'zero.bin'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...manifest, weights: { ...manifest.weights, file: 'zero.bin' } }));
    const started = performance.now();
    await expect(loadClassifier(dir)).rejects.toThrow(/zero.bin: the weights file is a character device, not a regular file/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses overlapping weight byte ranges', async () => {
    const dir = await saved();
    const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    // layers.0.bias (3 floats) moved onto the first 12 bytes of layers.0.kernel.
    manifest.parameters[1].byteOffset = 0;
    writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
    await expect(loadClassifier(dir)).rejects.toThrow(/byte ranges of layers.0.kernel \[0, 48\) and layers.0.bias \[0, 12\) overlap/);
  });

  it('names a manifest that is null or not JSON', async () => {
    const dir = await saved();
    writeFileSync(join(dir, 'model.json'), 'null');
    await expect(loadClassifier(dir)).rejects.toThrow(/not a LiftGuard model manifest/);
    writeFileSync(join(dir, 'model.json'), '{');
    await expect(loadClassifier(dir)).rejects.toThrow(ModelFormatError);
  });
});

describe('safetensors safety', () => {
  function withHeader(json: string): Uint8Array {
    const header = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + header.length + 16);
    new DataView(out.buffer).setBigUint64(0, BigInt(header.length), true);
    out.set(header, 8);
    return out;
  }

  it('a null header is a clear error, not a TypeError', () => {
    expect(() => parseSafetensors(withHeader('null'), 'w.safetensors')).toThrow('w.safetensors: header must be a JSON object of tensors, got null');
    expect(() => parseSafetensors(withHeader('{"a":null}'), 'w.safetensors')).toThrow(/a: entry must be an object/);
  });

  it('refuses overlapping data ranges', () => {
    const json = JSON.stringify({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } });
    expect(() => parseSafetensors(withHeader(json), 'w.safetensors')).toThrow(/data_offsets of a \[0, 8\) and b \[4, 12\) overlap/);
    const fine = encodeSafetensors({ a: { shape: [2], values: new Float32Array([1, 2]) }, b: { shape: [1], values: new Float32Array([3]) } });
    expect(parseSafetensors(fine).get('b')!.values).toEqual(new Float32Array([3]));
  });

  it('checks the size on disk against the header before reading the data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-st-'));
    const bytes = encodeSafetensors({ a: { shape: [4], values: new Float32Array([1, 2, 3, 4]) } });
    writeFileSync(join(dir, 'cut.safetensors'), bytes.subarray(0, bytes.length - 4));
    await expect(loadPytorchSafetensors(join(dir, 'cut.safetensors'), { inputShape: [4], layers: [] } as never, {} as never)).rejects.toThrow(
      `cut.safetensors: is ${bytes.length - 4} bytes on disk but its header promises ${bytes.length} (truncated?)`,
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true);
    writeFileSync(join(dir, 'huge.safetensors'), huge);
    await expect(loadPytorchSafetensors(join(dir, 'huge.safetensors'), { inputShape: [4], layers: [] } as never, {} as never)).rejects.toThrow(/header length 1099511627776 is over the format's limit/);
  });

  it('refuses a safetensors path that is a symbolic link to /dev/zero', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-st-'));
    symlinkSync('/dev/zero', join(dir, 'w.safetensors'));
    await expect(loadPytorchSafetensors(join(dir, 'w.safetensors'), { inputShape: [4], layers: [] } as never, {} as never)).rejects.toThrow(
      /refusing to read .*w.safetensors: the safetensors file is a character device/,
    );
  });
});

describe('extra files', () => {
  it('writes a report into the same folder in the same step and refuses names that are not plain', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'liftguard-extra-')), 'out');
    const model = mlp([4, 2], { seed: 1 });
    await saveClassifierFolder(model, dir, {}, { 'training-report.json': '{"ok":true}' });
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'training-report.json', 'weights.bin']);
    for (const bad of ['../x', 'model.json', '.hidden', 'a/b']) {
      await expect(saveClassifierFolder(model, dir, {}, { [bad]: 'x' })).rejects.toThrow(/must be a plain file name/);
    }
    expect(readFileSync(join(dir, 'training-report.json'), 'utf8')).toBe('{"ok":true}');
    model.dispose();
  });
});

describe('directoryCheckpoint', () => {
  it('reports once where an earlier result was moved, then replaces its own checkpoints', async () => {
    const { directoryCheckpoint } = await import('./directory-checkpoint.js');
    const root = mkdtempSync(join(tmpdir(), 'liftguard-dirckpt-'));
    const dir = join(root, 'out');
    mkdirSync(dir);
    writeFileSync(join(dir, 'old-result.json'), '{}');
    const moved: string[] = [];
    const sink = directoryCheckpoint(dir, { onPreviousMoved: (p) => moved.push(p) });
    const model = mlp([4, 2], { seed: 1 });
    await sink.save(model, { epoch: 0 });
    await sink.save(model, { epoch: 1 });
    expect(moved).toHaveLength(1);
    expect(readFileSync(join(moved[0]!, 'old-result.json'), 'utf8')).toBe('{}');
    expect(readdirSync(root).sort()).toEqual(['out', moved[0]!.slice(root.length + 1)].sort());
    model.dispose();
  });
});
