import * as tf from '@tensorflow/tfjs-core';
import { applyGradientOverrides, type Classifier } from '@liftguard/tensor';
import { layersModelClassifier, LayersModelError, type LayersModelClassifier, type LayersModelClassifierOptions } from './layers-model-classifier.js';
import { resolveSpec } from './resolve-spec.js';
import { SequentialClassifier } from './sequential-classifier.js';

import type * as TfLayersModule from '@tensorflow/tfjs-layers';

type TfLayers = typeof TfLayersModule;
type LayersModel = TfLayersModule.LayersModel;

/** @tensorflow/tfjs-layers, loaded on first use (an optional peer: only tfjs-format users need it). */
export async function importTfjsLayers(): Promise<TfLayers> {
  let module: TfLayers;
  try {
    module = await import('@tensorflow/tfjs-layers');
  } catch {
    throw new LayersModelError('reading or writing tfjs LayersModels needs @tensorflow/tfjs-layers: npm install @tensorflow/tfjs-layers@4.22.0');
  }
  // Its first import re-registers tfjs-core's gradients over LiftGuard's faster ones.
  applyGradientOverrides();
  return module;
}

/** A tfjs model.json as parsed (`format: 'layers-model'`, `modelTopology`, `weightsManifest`). */
export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  [key: string]: unknown;
}

/** A model in memory: its model.json and the bytes of each shard (ArrayBuffer, bytes or base64 text). */
export interface TfjsModelArtifacts {
  modelJson: TfjsModelJson;
  weights: Readonly<Record<string, ArrayBuffer | Uint8Array | string>>;
}

const dtypeBytes: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes a weights manifest group must hold: every entry's element count × its stored width. */
export function weightsByteLength(weights: readonly tf.io.WeightsManifestEntry[]): number {
  return weights.reduce((sum, w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const stored = w.quantization?.dtype ?? w.dtype;
    const width = dtypeBytes[stored];
    if (width === undefined) throw new LayersModelError(`weight '${w.name}' has dtype '${stored}', which tfjs model files do not use`);
    return sum + count * width;
  }, 0);
}

/** Checks a parsed model.json is a tfjs LayersModel; otherwise says what it is and what to use. */
export function checkLayersModelJson(json: unknown, source: string): TfjsModelJson {
  const value = json as Partial<TfjsModelJson> & { format?: unknown };
  if (typeof json !== 'object' || json === null) throw new LayersModelError(`${source} is not a model.json object`);
  if (value.format === 'liftguard-model') throw new LayersModelError(`${source} is a LiftGuard model; load it with loadClassifier from @liftguard/models/node`);
  if (value.format === 'graph-model') throw new LayersModelError(`${source} is a tfjs GraphModel; load it with tf.loadGraphModel (@tensorflow/tfjs-converter) and wrap it with graphModelClassifier`);
  if (value.modelTopology === undefined || value.modelTopology === null) throw new LayersModelError(`${source} has no modelTopology: not a tfjs LayersModel model.json`);
  if (!Array.isArray(value.weightsManifest)) throw new LayersModelError(`${source} has no weightsManifest: the weights are not described`);
  return value as TfjsModelJson;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function shardBytes(value: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof value === 'string') return decodeBase64(value);
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}

/**
 * The weight bytes of every group, concatenated in manifest order, checked: a missing shard or
 * a group whose shards do not hold exactly the bytes its weights need is an error naming it.
 */
export function concatenateShards(modelJson: TfjsModelJson, shards: Readonly<Record<string, ArrayBuffer | Uint8Array | string>>, source = 'model.json'): ArrayBuffer {
  const missing = modelJson.weightsManifest.flatMap((group) => group.paths.filter((p) => shards[p] === undefined));
  if (missing.length > 0) throw new LayersModelError(`${source} names weight shard(s) that are missing: ${missing.join(', ')}`);
  const groups = modelJson.weightsManifest.map((group) => {
    const bytes = group.paths.map((p) => shardBytes(shards[p]!));
    const length = bytes.reduce((a, b) => a + b.length, 0);
    const expected = weightsByteLength(group.weights);
    if (length !== expected) throw new LayersModelError(`weight shards ${group.paths.join(', ')} hold ${length} bytes, their ${group.weights.length} weights need ${expected}: truncated or from another model`);
    return bytes;
  });
  const total = groups.flat().reduce((a, b) => a + b.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of groups.flat()) {
    out.set(b, offset);
    offset += b.length;
  }
  return out.buffer;
}

/** Wraps tfjs-layers' deserialization errors with what the user can do. */
function explainLoadError(error: unknown, source: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown layer: (\w+)/.exec(message);
  if (unknown) return new LayersModelError(`${source} uses layer class '${unknown[1]}', which tfjs-layers 4.22 does not provide (custom or newer Keras layer): register it with tf.serialization.registerClass, or export the model without it`);
  return new LayersModelError(`${source}: tfjs-layers could not build the model: ${message}`);
}

/** A LayersModel from a model.json object and its shards (no file system, no network). */
export async function layersModelFromArtifacts(artifacts: TfjsModelArtifacts, source = 'model.json'): Promise<LayersModel> {
  const modelJson = checkLayersModelJson(artifacts.modelJson, source);
  const weightData = concatenateShards(modelJson, artifacts.weights, source);
  const tfl = await importTfjsLayers();
  const handler = tf.io.fromMemory({
    modelTopology: modelJson.modelTopology as object,
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData,
  });
  try {
    return await tfl.loadLayersModel(handler);
  } catch (error) {
    throw explainLoadError(error, source);
  }
}

/**
 * A tfjs LayersModel as a Classifier, from a URL (browser or http), an IOHandler, or a
 * model.json object with its shards in memory. In Node, for a path use
 * `loadLayersModelClassifierFile` from `@liftguard/models/node`.
 */
export async function loadLayersModelClassifier(source: string | tf.io.IOHandler | TfjsModelArtifacts, options: LayersModelClassifierOptions = {}): Promise<LayersModelClassifier> {
  let model: LayersModel;
  if (typeof source === 'object' && 'modelJson' in source) model = await layersModelFromArtifacts(source);
  else {
    const tfl = await importTfjsLayers();
    try {
      model = await tfl.loadLayersModel(source);
    } catch (error) {
      throw explainLoadError(error, typeof source === 'string' ? source : 'the model');
    }
  }
  return layersModelClassifier(model, options);
}

/** model.json (as an object) and the one weights shard of a standard tfjs LayersModel. */
export interface TfjsExport {
  modelJson: TfjsModelJson;
  /** Shard file name → bytes (one shard, `weights.bin`). */
  weights: Record<string, Uint8Array>;
}

/** tfjs-layers' own serialization of a LayersModel (topology + weights), as files. */
export async function exportLayersModel(model: { save(handler: tf.io.IOHandler): Promise<unknown> }, shardName = 'weights.bin'): Promise<TfjsExport> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const artifacts = saved!;
  const data = artifacts.weightData;
  const bytes = data === undefined ? new Uint8Array(0) : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: artifacts.generatedBy ?? 'TensorFlow.js tfjs-layers',
      convertedBy: 'LiftGuard',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [shardName], weights: artifacts.weightSpecs ?? [] }],
      ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
    },
    weights: { [shardName]: bytes },
  };
}

/**
 * The tfjs-layers model equivalent to a SequentialClassifier, with its current weights: dense →
 * Dense, conv2d → Conv2D (explicit or symmetric padding as a ZeroPadding2D before a 'valid'
 * conv), relu → the previous layer's activation (or an Activation layer), flatten → Flatten.
 */
export async function sequentialToLayersModel(classifier: SequentialClassifier): Promise<LayersModel> {
  const tfl = await importTfjsLayers();
  const { layers } = resolveSpec(classifier.spec);
  const model = tfl.sequential();
  let first = true;
  const inputShape = () => (first ? { inputShape: [...classifier.spec.inputShape] } : {});
  const add = (layer: TfLayersModule.layers.Layer) => {
    model.add(layer);
    first = false;
  };
  for (let i = 0; i < layers.length; i++) {
    const { spec, padding, strides } = layers[i]!;
    const fusedRelu = layers[i + 1]?.spec.type === 'relu';
    const activation = fusedRelu ? 'relu' : 'linear';
    if (spec.type === 'dense') {
      add(tfl.layers.dense({ ...inputShape(), units: spec.units, useBias: spec.useBias ?? true, activation, name: `dense_${i}` }));
    } else if (spec.type === 'conv2d') {
      let tfPadding: 'valid' | 'same' = 'valid';
      if (padding === 'same') tfPadding = 'same';
      else if (Array.isArray(padding) && padding.some((p) => p !== 0)) {
        const [top, bottom, left, right] = padding as readonly number[];
        add(tfl.layers.zeroPadding2d({ ...inputShape(), padding: [[top!, bottom!], [left!, right!]], name: `zero_padding_${i}` }));
      }
      const kernelSize = typeof spec.kernelSize === 'number' ? [spec.kernelSize, spec.kernelSize] : [...spec.kernelSize];
      add(tfl.layers.conv2d({ ...inputShape(), filters: spec.filters, kernelSize, strides: [...(strides ?? [1, 1])], padding: tfPadding, useBias: spec.useBias ?? true, activation, name: `conv2d_${i}` }));
    } else if (spec.type === 'flatten') {
      add(tfl.layers.flatten({ ...inputShape(), name: `flatten_${i}` }));
    } else if (spec.type === 'relu') {
      const fused = i > 0 && (layers[i - 1]!.spec.type === 'dense' || layers[i - 1]!.spec.type === 'conv2d');
      if (!fused) add(tfl.layers.activation({ ...inputShape(), activation: 'relu', name: `relu_${i}` }));
    }
  }
  const values = classifier.trainableVariables.map((v) => v.clone());
  model.setWeights(values);
  tf.dispose(values);
  return model;
}

/**
 * Any supported classifier as a standard tfjs LayersModel (model.json + one shard) that plain
 * `tf.loadLayersModel` reads without LiftGuard: a wrapped LayersModel is saved by tfjs-layers
 * itself (with its own head, e.g. the softmax, and the current — trained or repaired —
 * weights); a SequentialClassifier is converted to the equivalent tfjs-layers topology.
 */
export async function toTfjsLayersModel(classifier: Classifier): Promise<TfjsExport> {
  if (classifier instanceof SequentialClassifier) {
    const model = await sequentialToLayersModel(classifier);
    try {
      return await exportLayersModel(model);
    } finally {
      model.dispose();
    }
  }
  const wrapped = (classifier as Partial<LayersModelClassifier>).model as unknown as { save?: (h: tf.io.IOHandler) => Promise<unknown> } | undefined;
  if (wrapped && typeof wrapped.save === 'function') return exportLayersModel(wrapped as { save(handler: tf.io.IOHandler): Promise<unknown> });
  throw new LayersModelError('this classifier has no tfjs-layers form: only SequentialClassifier and wrapped LayersModels can be written as a tfjs model (save a plain-function classifier by saving the model behind the function)');
}
