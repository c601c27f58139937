import { access, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Classifier } from '@liftguard/tensor';
import { layersModelClassifier, LayersModelError, type LayersModelClassifier, type LayersModelClassifierOptions } from './layers-model-classifier.js';
import * as tf from '@tensorflow/tfjs-core';
import type * as TfConverter from '@tensorflow/tfjs-converter';
import { graphModelClassifier, type GraphModelClassifier, type GraphModelClassifierOptions } from './graph-model-classifier.js';
import { checkLayersModelJson, concatenateShards, layersModelFromArtifacts, toTfjsLayersModel, type TfjsModelJson } from './tfjs-artifacts.js';

import type { LayersModel } from '@tensorflow/tfjs-layers';

/** `path` itself when it is a file, `<path>/model.json` when it is a folder. */
async function modelJsonPath(path: string): Promise<string> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new LayersModelError(`${path} does not exist`);
  }
  if (!info.isDirectory()) return path;
  const inside = join(path, 'model.json');
  try {
    await access(inside);
  } catch {
    throw new LayersModelError(`the folder ${path} has no model.json (a tfjs model is a model.json plus the weight shards it names)`);
  }
  return inside;
}

/** A parsed model.json and its shards read from the same folder (paths leaving it refused). */
async function readModelFiles(path: string): Promise<{ file: string; json: unknown; weights: Record<string, Uint8Array> }> {
  const file = await modelJsonPath(path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new LayersModelError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const manifest = (json as { weightsManifest?: { paths?: unknown }[] } | null)?.weightsManifest;
  const shards = Array.isArray(manifest) ? manifest.flatMap((g) => (Array.isArray(g.paths) ? (g.paths as string[]) : [])) : [];
  const folder = dirname(resolve(file));
  const weights: Record<string, Uint8Array> = {};
  const missing: string[] = [];
  for (const shard of shards) {
    const shardPath = resolve(folder, shard);
    const inside = relative(folder, shardPath);
    if (inside.startsWith('..') || isAbsolute(inside)) throw new LayersModelError(`${file} names a weight shard outside its folder: ${shard}`);
    try {
      weights[shard] = new Uint8Array(await readFile(shardPath));
    } catch {
      missing.push(shard);
    }
  }
  if (missing.length > 0) throw new LayersModelError(`${file} names weight shard(s) missing from ${folder}: ${missing.join(', ')}`);
  return { file, json, weights };
}

/**
 * Reads a tfjs LayersModel from a model.json path (or its folder) with Node's file system —
 * no @tensorflow/tfjs-node needed. Shards are read next to model.json; paths that leave that
 * folder are refused, and missing or truncated shards are named.
 */
export async function loadLayersModelFile(path: string): Promise<LayersModel> {
  const { file, json, weights } = await readModelFiles(path);
  const modelJson = checkLayersModelJson(json, file);
  return layersModelFromArtifacts({ modelJson, weights }, file);
}

/**
 * Reads a tfjs GraphModel (tfjs-converter's `format: 'graph-model'`) from a model.json path or
 * its folder, without tfjs-node, and wraps it with `graphModelClassifier`. Needs
 * @tensorflow/tfjs-converter (an optional peer).
 */
export async function loadGraphModelClassifierFile(path: string, options: GraphModelClassifierOptions = {}): Promise<GraphModelClassifier> {
  const { file, json, weights } = await readModelFiles(path);
  const graph = json as TfjsModelJson & { signature?: object; userDefinedMetadata?: Record<string, unknown>; modelInitializer?: object };
  if (graph?.format !== 'graph-model') throw new LayersModelError(`${file} is not a tfjs GraphModel (format is ${JSON.stringify(graph?.format)}); for a LayersModel use loadLayersModelClassifierFile`);
  let converter: typeof TfConverter;
  try {
    converter = await import('@tensorflow/tfjs-converter');
  } catch {
    throw new LayersModelError('reading a tfjs GraphModel needs @tensorflow/tfjs-converter: npm install @tensorflow/tfjs-converter@4.22.0');
  }
  const handler = tf.io.fromMemory({
    modelTopology: graph.modelTopology as object,
    weightSpecs: graph.weightsManifest.flatMap((g) => g.weights),
    weightData: concatenateShards(graph, weights, file),
    format: 'graph-model',
    ...(graph.signature ? { signature: graph.signature } : {}),
    ...(graph.userDefinedMetadata ? { userDefinedMetadata: graph.userDefinedMetadata } : {}),
    ...(graph.modelInitializer ? { modelInitializer: graph.modelInitializer } : {}),
  } as tf.io.ModelArtifacts);
  const model = await converter.loadGraphModel(handler);
  return graphModelClassifier(model, options);
}

/** `loadLayersModelFile` then `layersModelClassifier` (softmax heads looked through, input space declared). */
export async function loadLayersModelClassifierFile(path: string, options: LayersModelClassifierOptions = {}): Promise<LayersModelClassifier> {
  const model = await loadLayersModelFile(path);
  return layersModelClassifier(model, options);
}

export interface SaveTfjsOptions {
  /** Replace an existing model.json in `dir` (default false: refuse). */
  overwrite?: boolean;
}

/**
 * Writes `classifier` as a standard tfjs LayersModel into `dir` (model.json + weights.bin) that
 * plain `tf.loadLayersModel('file://…/model.json')` or tfjs-node reads. The shard is written
 * first and model.json through write-then-rename; an existing model.json is kept unless
 * `overwrite`. Returns the path of model.json.
 */
export async function saveTfjsModel(classifier: Classifier, dir: string, options: SaveTfjsOptions = {}): Promise<string> {
  const exported = await toTfjsLayersModel(classifier);
  await mkdir(dir, { recursive: true });
  const target = join(dir, 'model.json');
  if (!options.overwrite) {
    for (const file of [target, ...Object.keys(exported.weights).map((name) => join(dir, basename(name)))]) {
      const exists = await access(file).then(() => true, () => false);
      if (exists) throw new LayersModelError(`${file} already exists; choose another folder or pass overwrite: true`);
    }
  }
  for (const [name, bytes] of Object.entries(exported.weights)) await writeFile(join(dir, basename(name)), bytes);
  const temporary = `${target}.tmp`;
  await writeFile(temporary, JSON.stringify(exported.modelJson satisfies TfjsModelJson));
  await rename(temporary, target);
  return target;
}
