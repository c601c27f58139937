import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { assertNoLeaks, Random } from '@liftguard/tensor';
import { describe, expect, it } from 'vitest';
import { graphModelClassifier } from './graph-model-classifier.js';
import { loadGraphModelClassifierFile } from './tfjs-model-files.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const float = { type: 'DT_FLOAT' };
const shapeAttr = (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
const constNode = (name: string, dims: number[]) => ({ name, op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: dims.map((d) => ({ size: String(d) })) } } } } });

/** x [-1, 4] → MatMul W1 → BiasAdd b1 → (Relu | Cumprod) → MatMul W2 → BiasAdd b2 → Softmax → Identity, as a TF GraphDef. */
function tinyGraphArtifacts(hiddenOp: 'Relu' | 'Cumprod', w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array) {
  const second = { name: 'dense2/MatMul', op: 'MatMul', input: ['relu', 'w2'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } };
  const hidden = hiddenOp === 'Relu'
    ? { name: 'relu', op: 'Relu', input: ['dense1/BiasAdd'], attr: { T: float } }
    : { name: 'relu', op: 'Cumprod', input: ['dense1/BiasAdd', 'axis'], attr: { T: float, exclusive: { b: false }, reverse: { b: false } } };
  const modelTopology = {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: shapeAttr([-1, 4]) } },
      constNode('w1', [4, 3]),
      constNode('b1', [3]),
      constNode('w2', [3, 2]),
      constNode('b2', [2]),
      ...(hiddenOp === 'Cumprod' ? [{ name: 'axis', op: 'Const', attr: { dtype: { type: 'DT_INT32' }, value: { tensor: { dtype: 'DT_INT32', tensorShape: {} } } } }] : []),
      { name: 'dense1/MatMul', op: 'MatMul', input: ['x', 'w1'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
      { name: 'dense1/BiasAdd', op: 'BiasAdd', input: ['dense1/MatMul', 'b1'], attr: { T: float, data_format: { s: btoa('NHWC') } } },
      hidden,
      second,
      { name: 'dense2/BiasAdd', op: 'BiasAdd', input: ['dense2/MatMul', 'b2'], attr: { T: float, data_format: { s: btoa('NHWC') } } },
      { name: 'probabilities', op: 'Softmax', input: ['dense2/BiasAdd'], attr: { T: float } },
      { name: 'Identity', op: 'Identity', input: ['probabilities'], attr: { T: float } },
    ],
    versions: { producer: 1 },
  };
  const weightSpecs = [
    { name: 'w1', shape: [4, 3], dtype: 'float32' as const },
    { name: 'b1', shape: [3], dtype: 'float32' as const },
    { name: 'w2', shape: [3, 2], dtype: 'float32' as const },
    { name: 'b2', shape: [2], dtype: 'float32' as const },
    ...(hiddenOp === 'Cumprod' ? [{ name: 'axis', shape: [], dtype: 'int32' as const }] : []),
  ];
  const weightData = new Float32Array([...w1, ...b1, ...w2, ...b2, 0]).buffer;
  new Int32Array(weightData, 23 * 4, 1)[0] = 1;
  return { modelTopology, weightSpecs, weightData };
}

async function tinyGraph(hiddenOp: 'Relu' | 'Cumprod', w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array) {
  const { modelTopology, weightSpecs, weightData } = tinyGraphArtifacts(hiddenOp, w1, b1, w2, b2);
  return loadGraphModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData, format: 'graph-model' } as tf.io.ModelArtifacts));
}

/** Logits of the same network written directly. */
function reference(x: number[], w1: Float32Array, b1: Float32Array, w2: Float32Array, b2: Float32Array): number[] {
  const hidden = [0, 1, 2].map((j) => Math.max(0, b1[j]! + x.reduce((s, v, i) => s + v * w1[i * 3 + j]!, 0)));
  return [0, 1].map((k) => b2[k]! + hidden.reduce((s, v, j) => s + v * w2[j * 2 + k]!, 0));
}

describe('graphModelClassifier', () => {
  const rng = new Random('graph');
  const [w1, b1, w2, b2] = [rng.normalArray(12), rng.normalArray(3), rng.normalArray(6), rng.normalArray(2)];

  it('looks through Identity and Softmax to the logits; gradients flow through the graph ops', async () => {
    const model = await tinyGraph('Relu', w1, b1, w2, b2);
    const before = tf.memory().numTensors;
    const classifier = await graphModelClassifier(model);
    expect(tf.memory().numTensors).toBe(before); // the shape and gradient probes free what they make
    expect(classifier.logits).toEqual({ node: 'dense2/BiasAdd', removed: ['Softmax (probabilities)'] });
    expect(classifier.inputShape).toEqual([4]);
    expect(classifier.numClasses).toBe(2);
    expect(classifier.trainableVariables).toEqual([]);
    const xs = [[0.5, -1, 2, 0.1], [1, 1, -0.5, 0.3]];
    const x = tf.tensor2d(xs);
    const logits = assertNoLeaks(() => classifier.predict(x)).arraySync();
    xs.forEach((row, n) => reference(row, w1, b1, w2, b2).forEach((v, k) => expect(Math.abs(logits[n]![k]! - v)).toBeLessThan(1e-5)));
    // d(logit0 − logit1)/dx = W1ᵀ·(relu′ ⊙ (W2[:,0] − W2[:,1])): compare with central differences of the reference.
    const gradient = assertNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(tf.matMul(classifier.predict(v), tf.tensor2d([[1], [-1]]))))(x)).arraySync() as number[][];
    xs.forEach((row, n) => row.forEach((_, i) => {
      const shifted = (h: number) => { const r = row.slice(); r[i]! += h; const z = reference(r, w1, b1, w2, b2); return z[0]! - z[1]!; };
      expect(Math.abs((shifted(1e-4) - shifted(-1e-4)) / 2e-4 - gradient[n]![i]!)).toBeLessThan(1e-3);
    }));
    x.dispose();
    model.dispose();
  });

  it('loads from a model.json folder in Node (no tfjs-node) with the same logits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-graph-'));
    try {
      const { modelTopology, weightSpecs, weightData } = tinyGraphArtifacts('Relu', w1, b1, w2, b2);
      writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(weightData, 0, 23 * 4));
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: weightSpecs }] }));
      const classifier = await loadGraphModelClassifierFile(dir);
      const row = [0.2, -0.4, 1, 2];
      const logits = classifier.predict(tf.tensor2d([row]));
      reference(row, w1, b1, w2, b2).forEach((v, k) => expect(Math.abs(logits.dataSync()[k]! - v)).toBeLessThan(1e-5));
      logits.dispose();
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: {}, weightsManifest: [] }));
      await expect(loadGraphModelClassifierFile(dir)).rejects.toThrow(/is not a tfjs GraphModel \(format is "layers-model"\); for a LayersModel use loadLayersModelClassifierFile/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a graph with an op that has no tfjs gradient is one error listing it', async () => {
    const model = await tinyGraph('Cumprod', w1, b1, w2, b2);
    await expect(graphModelClassifier(model)).rejects.toThrow(/gradients do not flow through this GraphModel on backend '\w+' .*kernels the graph runs that have no gradient in tfjs: Cumprod\. Attacks need input gradients/);
    model.dispose();
  });
});
