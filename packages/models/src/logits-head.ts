import * as tf from '@tensorflow/tfjs-core';
import type { LayerLike, LayersModelLike, LayerVariableLike, SymbolicTensorLike } from './layers-model-classifier.js';

/** How the logits are computed from one tensor of the model's graph. */
export interface LogitsHead {
  /** The graph tensor to `execute` up to. */
  tensorName: string;
  numClasses: number;
  /** From that tensor to logits [batch, classes]. */
  logits(t: tf.Tensor): tf.Tensor2D;
  description: {
    /** The layer whose output or pre-activation are the logits. */
    layer: string;
    className: string;
    /** What the wrapper removed to get logits ('none' when the layer already outputs them). */
    removed: 'none' | 'softmax activation' | 'sigmoid activation' | 'softmax layer' | 'sigmoid layer';
    /** A single sigmoid unit becomes two logits [0, z] (softmax of those is [1 − σ(z), σ(z)]). */
    binarySigmoid: boolean;
  };
}

const probabilityActivations = new Set(['softmax', 'sigmoid']);

function single(t: SymbolicTensorLike | SymbolicTensorLike[], what: string, layer: LayerLike): SymbolicTensorLike {
  if (Array.isArray(t)) {
    if (t.length !== 1) throw new Error(`layer '${layer.name}' (${layer.getClassName()}) has ${t.length} ${what}s; name a layer with one as logitsLayer`);
    return t[0]!;
  }
  return t;
}

/** The activation a layer ends in: its `activation` config or, for an Activation/Softmax layer, what it is. */
function finalActivation(layer: LayerLike): string | undefined {
  const className = layer.getClassName();
  if (className === 'Softmax') return 'softmax';
  const activation = layer.getConfig().activation;
  return typeof activation === 'string' ? activation : undefined;
}

function weight(layer: LayerLike, suffix: string): LayerVariableLike | undefined {
  return layer.trainableWeights.find((w) => w.originalName.endsWith(`/${suffix}`) || w.name.endsWith(`/${suffix}`));
}

/** The linear part of a Dense or Conv2D layer (its output before the activation), from its input. */
function linearPart(layer: LayerLike): (input: tf.Tensor) => tf.Tensor {
  const className = layer.getClassName();
  const config = layer.getConfig();
  const kernel = weight(layer, 'kernel');
  const bias = config.use_bias === false || config.useBias === false ? undefined : weight(layer, 'bias');
  if (kernel === undefined) throw new Error(`layer '${layer.name}' (${className}) has no kernel weight`);
  if (className === 'Dense') {
    return (input) => {
      const product = input.rank === 2 ? tf.matMul(input as tf.Tensor2D, kernel.read() as tf.Tensor2D) : tf.dot(input, kernel.read());
      return bias ? tf.add(product, bias.read()) : product;
    };
  }
  if (className === 'Conv2D') {
    if (config.data_format === 'channels_first' || config.dataFormat === 'channelsFirst') throw new Error(`layer '${layer.name}' is channels-first; only NHWC models are supported`);
    const strides = (config.strides ?? [1, 1]) as [number, number];
    const padding = (config.padding ?? 'valid') as 'valid' | 'same';
    const dilations = (config.dilation_rate ?? config.dilationRate ?? [1, 1]) as [number, number];
    return (input) => {
      const out = tf.conv2d(input as tf.Tensor4D, kernel.read() as tf.Tensor4D, strides, padding, 'NHWC', dilations);
      return bias ? tf.add(out, bias.read()) : out;
    };
  }
  throw new Error(
    `layer '${layer.name}' (${className}) ends in a softmax/sigmoid and LiftGuard cannot remove it from this layer type; ` +
      'pass logitsLayer: the name of a layer whose output are logits',
  );
}

function classesOf(shape: readonly (number | null)[], layer: LayerLike): number {
  if (shape.length !== 2 || shape[1] === null) {
    throw new Error(`layer '${layer.name}' (${layer.getClassName()}) outputs ${`[${shape.map((d) => d ?? 'batch').join(', ')}]`}, not logits [batch, classes]; pass logitsLayer: the name of a layer that does`);
  }
  return shape[1]!;
}

function headOf(layer: LayerLike, producerOf: (t: SymbolicTensorLike) => LayerLike | undefined): LogitsHead {
  const className = layer.getClassName();
  const output = single(layer.output, 'output', layer);
  const activation = finalActivation(layer);
  const isActivationLayer = className === 'Softmax' || className === 'Activation';
  if (activation === undefined || !probabilityActivations.has(activation)) {
    const numClasses = classesOf(output.shape, layer);
    return {
      tensorName: output.name,
      numClasses,
      logits: (t) => t as tf.Tensor2D,
      description: { layer: layer.name, className, removed: 'none', binarySigmoid: false },
    };
  }
  const input = single(layer.input, 'input', layer);
  const units = classesOf(output.shape, layer);
  const binarySigmoid = activation === 'sigmoid' && units === 1;
  const toLogits = (z: tf.Tensor): tf.Tensor2D => (binarySigmoid ? tf.concat([tf.zerosLike(z), z], 1) : z) as tf.Tensor2D;
  if (isActivationLayer) {
    const producer = producerOf(input);
    return {
      tensorName: input.name,
      numClasses: binarySigmoid ? 2 : units,
      logits: toLogits,
      description: { layer: producer?.name ?? input.name, className: producer?.getClassName() ?? 'unknown', removed: activation === 'softmax' ? 'softmax layer' : 'sigmoid layer', binarySigmoid },
    };
  }
  const linear = linearPart(layer);
  return {
    tensorName: input.name,
    numClasses: binarySigmoid ? 2 : units,
    logits: (t) => toLogits(linear(t)),
    description: { layer: layer.name, className, removed: activation === 'softmax' ? 'softmax activation' : 'sigmoid activation', binarySigmoid },
  };
}

/**
 * Where a LayersModel's logits are: the named layer, or the model's output layer; when that
 * ends in a softmax or sigmoid, the pre-activation (the input of a Softmax/Activation layer, or
 * the linear part of a Dense/Conv2D recomputed from the layer's input with its own variables).
 */
export function logitsHead(model: LayersModelLike, logitsLayer?: string): LogitsHead {
  const outputs = (layer: LayerLike) => (Array.isArray(layer.output) ? layer.output : [layer.output]);
  const producerOf = (t: SymbolicTensorLike) => model.layers.find((l) => outputs(l).some((o) => o.name === t.name));
  let layer: LayerLike | undefined;
  if (logitsLayer !== undefined) {
    layer = model.layers.find((l) => l.name === logitsLayer);
    if (layer === undefined) throw new Error(`no layer named '${logitsLayer}'; the model's layers are ${model.layers.map((l) => l.name).join(', ')}`);
  } else {
    layer = producerOf(model.outputs[0]!);
    if (layer === undefined) throw new Error(`no logits layer found: no layer produces the model's output '${model.outputs[0]!.name}'; pass logitsLayer`);
  }
  return headOf(layer, producerOf);
}
