import * as tf from '@tensorflow/tfjs-core';
import { assertInputShape, type Classifier } from '@liftguard/tensor';
import { withInputSpace, type InputSpace } from './input-space.js';
import { assertLogitsOutput } from './layers-model-classifier.js';

/** A node of a tfjs GraphModel's graph (TensorFlow GraphDef JSON). */
export interface GraphNodeLike {
  name: string;
  op: string;
  input?: string[];
}

/** The parts of a tfjs-converter `GraphModel` the wrapper uses (no dependency on tfjs-converter). */
export interface GraphModelLike {
  readonly inputs: readonly { name: string; shape?: number[] }[];
  readonly outputs: readonly { name: string; shape?: number[] }[];
  execute(inputs: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap, outputs?: string | string[]): tf.Tensor | tf.Tensor[];
}

export interface GraphModelClassifierOptions extends InputSpace {
  /** The graph node whose output are the logits. Default: the model's output, looking through a final Softmax/Sigmoid (and Identity). */
  outputName?: string;
  /** Per-example input shape when the graph leaves dimensions other than the batch unknown. */
  inputShape?: readonly number[];
}

export class GraphModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphModelError';
  }
}

export interface GraphModelClassifier extends Classifier {
  readonly model: GraphModelLike;
  /** The node executed for the logits, and what was looked through to find it. */
  readonly logits: { node: string; removed: string[] };
}

const nodeName = (reference: string) => reference.replace(/^\^/, '').replace(/:\d+$/, '');

function graphNodes(model: GraphModelLike): Map<string, GraphNodeLike> {
  // tfjs-converter keeps the graph in a private field of GraphModels loaded from model.json (4.22).
  const artifacts = (model as unknown as { artifacts?: { modelTopology?: { node?: GraphNodeLike[] } } }).artifacts;
  const topology = artifacts?.modelTopology;
  return new Map((topology?.node ?? []).map((n) => [n.name, n]));
}

/** From the output node back through Identity and a final Softmax/Sigmoid to the logits node. */
function logitsNode(model: GraphModelLike, nodes: Map<string, GraphNodeLike>): { node: string; removed: string[] } {
  let name = nodeName(model.outputs[0]!.name);
  const removed: string[] = [];
  for (let guard = 0; guard < 8; guard++) {
    const node = nodes.get(name);
    if (node === undefined || node.input === undefined || node.input.length === 0) break;
    if (node.op === 'Identity' || node.op === 'Softmax' || node.op === 'Sigmoid') {
      if (node.op !== 'Identity') removed.push(`${node.op} (${node.name})`);
      name = nodeName(node.input[0]!);
      if (node.op !== 'Identity') break;
    } else break;
  }
  return { node: name, removed };
}

/**
 * One input-gradient probe. On failure, one error listing every kernel the graph runs that has
 * no gradient in tfjs (the tape stops at the first; a user needs them all).
 */
async function assertGradientsFlow(model: GraphModelLike, node: string, probe: tf.Tensor): Promise<void> {
  try {
    tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(model.execute(x, node) as tf.Tensor))(probe).dataSync());
    return;
  } catch (error) {
    const profile = await tf.profile(() => tf.tidy(() => model.execute(probe, node) as tf.Tensor));
    tf.dispose(profile.result as tf.Tensor);
    const missing = [...new Set(profile.kernelNames)].filter((k) => tf.getGradient(k) == null);
    const message = error instanceof Error ? error.message : String(error);
    throw new GraphModelError(
      `gradients do not flow through this GraphModel on backend '${tf.getBackend()}' (${message})` +
        (missing.length > 0 ? `; kernels the graph runs that have no gradient in tfjs: ${missing.join(', ')}` : '') +
        '. Attacks need input gradients: re-export the model without those ops, or pass outputName: an earlier node',
    );
  }
}

/**
 * A tfjs GraphModel (tf.loadGraphModel) as a Classifier: predict executes the graph up to the
 * logits node (a final Softmax/Sigmoid is looked through when the graph is known), gradients
 * flow through the graph ops (checked once here: a graph whose ops lack gradients is an error
 * listing them). Its weights are constants, so it has no trainable variables:
 * attacks and evaluation, not training or repair.
 */
export async function graphModelClassifier(model: GraphModelLike, options: GraphModelClassifierOptions = {}): Promise<GraphModelClassifier> {
  if (model.inputs.length !== 1) throw new GraphModelError(`a Classifier has one input; the graph has ${model.inputs.length}: ${model.inputs.map((i) => i.name).join(', ')}`);
  const declared = model.inputs[0]!.shape?.slice(1);
  const inputShape = options.inputShape ? [...options.inputShape] : declared;
  if (inputShape === undefined || inputShape.some((d) => d === undefined || d < 1)) {
    throw new GraphModelError(`the graph's input shape [${(model.inputs[0]!.shape ?? []).join(', ')}] is not fixed apart from the batch: pass inputShape`);
  }
  if (declared && options.inputShape && declared.some((d, i) => d > 0 && d !== inputShape[i])) {
    throw new GraphModelError(`inputShape [${inputShape.join(', ')}] does not match the graph's input [batch, ${declared.join(', ')}]`);
  }
  const found = options.outputName !== undefined ? { node: options.outputName, removed: [] } : logitsNode(model, graphNodes(model));
  const probe = tf.zeros([1, ...inputShape]);
  let numClasses: number;
  try {
    const out = tf.tidy(() => model.execute(probe, found.node) as tf.Tensor);
    const shape = out.shape;
    out.dispose();
    if (shape.length !== 2) throw new GraphModelError(`node '${found.node}' outputs [${shape.join(', ')}], not logits [batch, classes]; pass outputName: a node that does`);
    numClasses = shape[1]!;
  } catch (error) {
    probe.dispose();
    if (error instanceof GraphModelError) throw error;
    throw new GraphModelError(`the graph could not run up to '${found.node}': ${(error as Error).message}`);
  }
  try {
    await assertGradientsFlow(model, found.node, probe);
  } finally {
    probe.dispose();
  }
  const inner: Classifier = {
    inputShape,
    numClasses,
    trainableVariables: [],
    predict: (x) => {
      assertInputShape(x, inputShape);
      return tf.tidy(() => model.execute(x, found.node) as tf.Tensor2D);
    },
  };
  const { outputName: _outputName, inputShape: _inputShape, ...space } = options;
  const classifier = withInputSpace(inner, space);
  assertLogitsOutput(classifier);
  return Object.assign(classifier, { model, logits: found });
}
