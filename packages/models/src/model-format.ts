import type { ModelSpec } from './layer-spec.js';
import { resolveSpec } from './resolve-spec.js';
import { SequentialClassifier } from './sequential-classifier.js';

/** The format version this package writes; it reads this one and older ones. */
export const modelFormatVersion = 1;
export const modelFormatName = 'liftguard-model';

/** The JSON manifest of a saved model; the weights are one binary blob next to it. */
export interface ModelManifest {
  format: typeof modelFormatName;
  version: number;
  spec: ModelSpec;
  /** Float32 little-endian, one after another, in this order. */
  parameters: { name: string; shape: number[]; dtype: 'float32'; byteOffset: number; byteLength: number }[];
  weights: { file: string; byteLength: number; sha256: string };
  /** Free-form provenance (training config, dataset, accuracy...). */
  metadata: Record<string, unknown>;
}

/** A saved model cannot be read: says which file and why. */
export class ModelFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

export const weightsFileName = 'weights.bin';

/** Hex SHA-256 (Web Crypto: the same in Node and browsers). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The manifest and weight bytes of a model (bit-exact float32 values). */
export async function serializeClassifier(
  model: SequentialClassifier,
  metadata: Record<string, unknown> = {},
): Promise<{ manifest: ModelManifest; weights: Uint8Array }> {
  const values = model.parameterValues();
  const byteLength = values.reduce((sum, v) => sum + 4 * v.length, 0);
  const weights = new Uint8Array(byteLength);
  const view = new DataView(weights.buffer);
  let offset = 0;
  const parameters = model.parameters.map((p, i) => {
    const v = values[i]!;
    // Explicit little-endian, whatever the platform.
    for (let j = 0; j < v.length; j++) view.setFloat32(offset + 4 * j, v[j]!, true);
    const entry = { name: p.name, shape: [...p.shape], dtype: 'float32' as const, byteOffset: offset, byteLength: 4 * v.length };
    offset += 4 * v.length;
    return entry;
  });
  const manifest: ModelManifest = {
    format: modelFormatName,
    version: modelFormatVersion,
    spec: structuredClone(model.spec) as ModelSpec,
    parameters,
    weights: { file: weightsFileName, byteLength, sha256: await sha256Hex(weights) },
    metadata,
  };
  return { manifest, weights };
}

/** Throws unless `manifest` is a LiftGuard model manifest of a version this package reads. */
export function checkManifestVersion(manifest: ModelManifest, source = 'model'): void {
  if (manifest?.format !== modelFormatName) throw new ModelFormatError(`${source}: not a LiftGuard model manifest (format is ${JSON.stringify(manifest?.format)})`);
  if (!Number.isInteger(manifest.version) || manifest.version < 1) throw new ModelFormatError(`${source}: invalid format version ${JSON.stringify(manifest.version)}`);
  if (manifest.version > modelFormatVersion) {
    throw new ModelFormatError(
      `${source}: format version ${manifest.version} is newer than this @liftguard/models reads (up to ${modelFormatVersion}); upgrade @liftguard/models`,
    );
  }
}

/** Rebuilds a model from a manifest and its weight bytes, checking version, hash and every shape. */
export async function deserializeClassifier(manifest: ModelManifest, weights: Uint8Array, source = 'model'): Promise<SequentialClassifier> {
  checkManifestVersion(manifest, source);
  if (weights.byteLength !== manifest.weights.byteLength) {
    throw new ModelFormatError(`${source}: ${manifest.weights.file} has ${weights.byteLength} bytes, the manifest says ${manifest.weights.byteLength} (truncated?)`);
  }
  const hash = await sha256Hex(weights);
  if (hash !== manifest.weights.sha256) throw new ModelFormatError(`${source}: ${manifest.weights.file} is corrupt: SHA-256 ${hash} does not match the manifest's ${manifest.weights.sha256}`);
  const expected = resolveSpec(manifest.spec).parameters;
  if (manifest.parameters.length !== expected.length) {
    throw new ModelFormatError(`${source}: the spec has ${expected.length} parameter tensors, the manifest lists ${manifest.parameters.length}`);
  }
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  refuseOverlaps(manifest.parameters, source);
  const values = expected.map((p, i) => {
    const entry = manifest.parameters[i]!;
    if (entry.name !== p.name) throw new ModelFormatError(`${source}: parameter ${i} is '${entry.name}', the spec expects '${p.name}'`);
    if (entry.shape.length !== p.shape.length || entry.shape.some((d, k) => d !== p.shape[k])) {
      throw new ModelFormatError(`${source}: ${p.name} has shape [${entry.shape.join(', ')}], the spec needs [${p.shape.join(', ')}]`);
    }
    const count = p.shape.reduce((a, b) => a * b, 1);
    if (entry.dtype !== 'float32' || entry.byteLength !== 4 * count || !Number.isSafeInteger(entry.byteOffset) || entry.byteOffset < 0 || entry.byteOffset + entry.byteLength > weights.byteLength) {
      throw new ModelFormatError(`${source}: ${p.name} has an invalid byte range or dtype`);
    }
    const out = new Float32Array(count);
    for (let j = 0; j < count; j++) out[j] = view.getFloat32(entry.byteOffset + 4 * j, true);
    return out;
  });
  return new SequentialClassifier(manifest.spec, values);
}

/** Two parameters must never share weight bytes (a crafted manifest could alias them). */
function refuseOverlaps(parameters: ModelManifest['parameters'], source: string): void {
  const ranges = parameters
    .map((p) => ({ name: p?.name, start: Number(p?.byteOffset), end: Number(p?.byteOffset) + Number(p?.byteLength) }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    const [a, b] = [ranges[i - 1]!, ranges[i]!];
    if (b.start < a.end) throw new ModelFormatError(`${source}: the byte ranges of ${a.name} [${a.start}, ${a.end}) and ${b.name} [${b.start}, ${b.end}) overlap`);
  }
}
