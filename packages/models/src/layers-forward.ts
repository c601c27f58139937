import * as tf from '@tensorflow/tfjs-core';
import type { LayerLike, LayersModelLike, LayerVariableLike, SymbolicTensorLike } from './layers-model-classifier.js';

/** One layer (or a fused chain of them) as an op on concrete tensors. */
interface Step {
  inputs: string[];
  output: string;
  run(inputs: tf.Tensor[]): tf.Tensor;
}

type Config = Record<string, unknown>;

const asList = (t: SymbolicTensorLike | SymbolicTensorLike[]) => (Array.isArray(t) ? t : [t]);

function variable(layer: LayerLike, suffix: string): LayerVariableLike | undefined {
  const all = layer.weights ?? layer.trainableWeights;
  return all.find((w) => w.originalName.endsWith(`/${suffix}`) || w.name.endsWith(`/${suffix}`));
}

const pair = (v: unknown, fallback: number): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : typeof v === 'number' ? [v, v] : [fallback, fallback]);
const channelsLast = (c: Config) => c.dataFormat === undefined || c.dataFormat === 'channelsLast';
const usesBias = (c: Config) => c.useBias !== false;
const activationOf = (c: Config) => (typeof c.activation === 'string' ? c.activation : 'linear');

/** The activation of an activation layer that a fused conv kernel can take, else undefined. */
function fusableActivation(layer: LayerLike): 'relu' | 'relu6' | undefined {
  const c = layer.getConfig();
  if (layer.getClassName() === 'ReLU') {
    if (c.maxValue === undefined || c.maxValue === null) return 'relu';
    return c.maxValue === 6 ? 'relu6' : undefined;
  }
  if (layer.getClassName() === 'Activation' && (c.activation === 'relu' || c.activation === 'relu6')) return c.activation;
  return undefined;
}

/** What a conv's output goes through before anything else reads it: batch norm and/or an activation. */
interface Epilogue {
  batchNorm?: LayerLike;
  activation: 'linear' | 'relu' | 'relu6';
  output: string;
}

/** Inference batch norm as a per-channel (factor, shift): y = x·factor + shift. */
function batchNormFactors(layer: LayerLike): { factor: tf.Tensor1D; shift: tf.Tensor1D } {
  const c = layer.getConfig();
  const epsilon = Number(c.epsilon ?? 1e-3);
  const mean = variable(layer, 'moving_mean')!.read() as tf.Tensor1D;
  const inverseStd = tf.rsqrt(tf.add(variable(layer, 'moving_variance')!.read(), epsilon)) as tf.Tensor1D;
  const gamma = c.scale === false ? undefined : variable(layer, 'gamma')?.read();
  const beta = c.center === false ? undefined : variable(layer, 'beta')?.read();
  const factor = (gamma ? tf.mul(gamma, inverseStd) : inverseStd) as tf.Tensor1D;
  const shift = tf.neg(tf.mul(mean, factor));
  return { factor, shift: (beta ? tf.add(beta, shift) : shift) as tf.Tensor1D };
}

function isLastAxisBatchNorm(layer: LayerLike, rank: number): boolean {
  if (layer.getClassName() !== 'BatchNormalization') return false;
  const axis = layer.getConfig().axis;
  const a = Array.isArray(axis) ? (axis.length === 1 ? Number(axis[0]) : NaN) : Number(axis ?? -1);
  return (a === -1 || a === rank - 1) && variable(layer, 'moving_mean') !== undefined && variable(layer, 'moving_variance') !== undefined;
}

/**
 * A conv layer (Conv2D or DepthwiseConv2D) with the batch norm and relu/relu6 that follow it
 * as one FusedConv2D / FusedDepthwiseConv2D kernel: batch norm folded into the filter and bias
 * (w·γ/√(σ²+ε), β − μ·γ/√(σ²+ε)), the activation in the kernel's epilogue. The kernel is run
 * directly so its gradient is @liftguard/tensor's lazy one (an input gradient never computes
 * filter gradients); tfjs' fused ops compute all three eagerly.
 */
function fusedConvStep(layer: LayerLike, input: string, epilogue: Epilogue): Step {
  const c = layer.getConfig();
  const depthwise = layer.getClassName() === 'DepthwiseConv2D';
  const kernel = variable(layer, depthwise ? 'depthwise_kernel' : 'kernel')!;
  const convBias = usesBias(c) ? variable(layer, 'bias') : undefined;
  const strides = pair(c.strides, 1);
  const dilations = pair(c.dilationRate, 1);
  const pad = c.padding === 'same' ? 'same' : 'valid';
  const kernelName = depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D';
  return {
    inputs: [input],
    output: epilogue.output,
    run: ([x]) => {
      let filter = kernel.read() as tf.Tensor4D;
      let bias = convBias?.read() as tf.Tensor1D | undefined;
      if (epilogue.batchNorm) {
        const { factor, shift } = batchNormFactors(epilogue.batchNorm);
        const [, , inChannels, multiplier] = filter.shape;
        filter = tf.mul(filter, depthwise ? tf.reshape(factor, [inChannels, multiplier]) : factor);
        bias = (bias ? tf.add(tf.mul(bias, factor), shift) : shift) as tf.Tensor1D;
      }
      const inputs = bias ? { x: x!, filter, bias } : { x: x!, filter };
      const attrs = { strides, pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined, activation: epilogue.activation };
      return tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap, attrs as never) as tf.Tensor;
    },
  };
}

/** The op of one layer the executor knows, or null for the layer's own `apply`. */
function layerOp(layer: LayerLike): ((inputs: tf.Tensor[]) => tf.Tensor) | null {
  const c = layer.getConfig();
  switch (layer.getClassName()) {
    case 'InputLayer':
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
      return ([x]) => x!;
    case 'BatchNormalization': {
      return ([x]) => {
        if (!isLastAxisBatchNorm(layer, x!.rank)) return applyLayer(layer, [x!]);
        const mean = variable(layer, 'moving_mean')!.read();
        const variance = variable(layer, 'moving_variance')!.read();
        const gamma = c.scale === false ? undefined : variable(layer, 'gamma')?.read();
        const beta = c.center === false ? undefined : variable(layer, 'beta')?.read();
        return tf.batchNorm(x!, mean, variance, beta, gamma, Number(c.epsilon ?? 1e-3));
      };
    }
    case 'ReLU': {
      const activation = fusableActivation(layer);
      if (activation === 'relu') return ([x]) => tf.relu(x!);
      if (activation === 'relu6') return ([x]) => tf.clipByValue(x!, 0, 6);
      return null;
    }
    case 'Activation': {
      const activation = fusableActivation(layer);
      if (activation === 'relu') return ([x]) => tf.relu(x!);
      if (activation === 'relu6') return ([x]) => tf.clipByValue(x!, 0, 6);
      return null;
    }
    case 'Add':
      return (xs) => xs.slice(1).reduce((sum, t) => tf.add(sum, t), xs[0]!);
    case 'GlobalAveragePooling2D':
      return channelsLast(c) ? ([x]) => tf.mean(x!, [1, 2]) : null;
    case 'ZeroPadding2D': {
      if (!channelsLast(c)) return null;
      const p = c.padding as [[number, number], [number, number]] | undefined;
      if (!Array.isArray(p) || !Array.isArray(p[0])) return null;
      return ([x]) => tf.pad(x!, [[0, 0], p[0], p[1], [0, 0]]);
    }
    case 'Dense': {
      const activation = activationOf(c);
      if (activation !== 'linear' && activation !== 'relu') return null;
      const kernel = variable(layer, 'kernel');
      const bias = usesBias(c) ? variable(layer, 'bias') : undefined;
      if (!kernel) return null;
      return ([x]) => {
        if (x!.rank !== 2) return applyLayer(layer, [x!]);
        const product = tf.matMul(x as tf.Tensor2D, kernel.read() as tf.Tensor2D);
        const z = bias ? tf.add(product, bias.read()) : product;
        return activation === 'relu' ? tf.relu(z) : z;
      };
    }
    default:
      return null;
  }
}

function applyLayer(layer: LayerLike, inputs: tf.Tensor[]): tf.Tensor {
  const out = layer.apply!(inputs.length === 1 ? inputs[0]! : inputs, { training: false });
  if (!(out instanceof tf.Tensor)) throw new Error(`layer '${layer.name}' (${layer.getClassName()}) returned several outputs`);
  return out;
}

function isFusableConv(layer: LayerLike): boolean {
  const className = layer.getClassName();
  if (className !== 'Conv2D' && className !== 'DepthwiseConv2D') return false;
  const c = layer.getConfig();
  const activation = activationOf(c);
  const dilations = pair(c.dilationRate, 1);
  return channelsLast(c) && (c.padding === 'same' || c.padding === 'valid') && dilations[0] === 1 && dilations[1] === 1 && ['linear', 'relu', 'relu6'].includes(activation);
}

/**
 * A LayersModel's forward pass up to one of its tensors, as tf ops per layer in inference mode,
 * with conv → batch norm → relu/relu6 chains run as one fused kernel (see `fusedConvStep`).
 * Layers it does not know run through their own `apply`. Null when the graph cannot be walked
 * layer by layer (a layer used twice, several outputs per layer, no `apply` on a layer that
 * needs it): the caller then uses `model.execute`.
 */
export function compileForward(model: LayersModelLike, outputName: string): ((x: tf.Tensor) => tf.Tensor) | null {
  if (model.inputs.length !== 1) return null;
  const edges = new Map<LayerLike, { inputs: string[]; output: string }>();
  const producer = new Map<string, LayerLike>();
  const readers = new Map<string, LayerLike[]>();
  try {
    for (const layer of model.layers) {
      const outputs = asList(layer.output);
      if (outputs.length !== 1) return null;
      const inputs = layer.getClassName() === 'InputLayer' ? [] : asList(layer.input).map((t) => t.name);
      edges.set(layer, { inputs, output: outputs[0]!.name });
      producer.set(outputs[0]!.name, layer);
      for (const name of inputs) readers.set(name, [...(readers.get(name) ?? []), layer]);
    }
  } catch {
    return null; // tfjs-layers throws on `input` / `output` of a layer with several inbound nodes
  }
  const inputName = model.inputs[0]!.name;
  // The layers the output depends on, in the model's (topological) order.
  const needed = new Set<LayerLike>();
  const visit = (name: string) => {
    const layer = producer.get(name);
    if (!layer || needed.has(layer) || name === inputName) return;
    needed.add(layer);
    for (const input of edges.get(layer)!.inputs) visit(input);
  };
  if (!producer.has(outputName) && outputName !== inputName) return null;
  visit(outputName);
  const soleReader = (name: string): LayerLike | undefined => {
    const r = readers.get(name) ?? [];
    return r.length === 1 && name !== outputName && needed.has(r[0]!) ? r[0] : undefined;
  };
  const steps: Step[] = [];
  const absorbed = new Set<LayerLike>();
  for (const layer of model.layers) {
    if (!needed.has(layer) || absorbed.has(layer)) continue;
    const { inputs, output } = edges.get(layer)!;
    if (isFusableConv(layer)) {
      const own = activationOf(layer.getConfig()) as Epilogue['activation'];
      const epilogue: Epilogue = { activation: own, output };
      let next = soleReader(output);
      if (own === 'linear' && next && isLastAxisBatchNorm(next, 4) && activationOf(next.getConfig()) === 'linear') {
        epilogue.batchNorm = next;
        epilogue.output = edges.get(next)!.output;
        absorbed.add(next);
        next = soleReader(epilogue.output);
      }
      const activation = own === 'linear' && next ? fusableActivation(next) : undefined;
      if (activation) {
        epilogue.activation = activation;
        epilogue.output = edges.get(next!)!.output;
        absorbed.add(next!);
      }
      steps.push(fusedConvStep(layer, inputs[0]!, epilogue));
      continue;
    }
    const op = layerOp(layer);
    if (op === null && typeof layer.apply !== 'function') return null;
    steps.push({ inputs, output, run: op ?? ((xs) => applyLayer(layer, xs)) });
  }
  return (x) => {
    const values = new Map<string, tf.Tensor>([[inputName, x]]);
    for (const step of steps) values.set(step.output, step.run(step.inputs.map((name) => values.get(name)!)));
    return values.get(outputName)!;
  };
}
