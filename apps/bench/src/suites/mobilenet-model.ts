// MobileNetV2 (alpha 1.0, Sandler et al. 2018 / keras.applications) as a tfjs-layers functional
// model with seeded random weights: the benchmark's model, and the same architecture as the
// torch.nn one in mobilenet.py (3×3 s2 stem to 32, 17 inverted-residual blocks, 1×1 to 1280,
// global average pool, dense). Convolutions have no bias (batch norm follows), as in keras.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Random } from '@liftguard/tensor';

/** (expansion t, output channels c, repeats n, first stride s) per stage, alpha 1.0. */
export const invertedResidualStages: readonly [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

type Symbolic = tfl.SymbolicTensor;

const batchNormRelu6 = (x: Symbolic, relu: boolean): Symbolic => {
  const normalized = tfl.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.999 }).apply(x) as Symbolic;
  return relu ? (tfl.layers.reLU({ maxValue: 6 }).apply(normalized) as Symbolic) : normalized;
};

const conv = (x: Symbolic, filters: number, kernelSize: number, strides: number): Symbolic =>
  tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false }).apply(x) as Symbolic;

function invertedResidual(x: Symbolic, inChannels: number, expansion: number, outChannels: number, stride: number): Symbolic {
  let h = x;
  if (expansion !== 1) h = batchNormRelu6(conv(h, inChannels * expansion, 1, 1), true);
  h = batchNormRelu6(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: stride, padding: 'same', useBias: false }).apply(h) as Symbolic, true);
  h = batchNormRelu6(conv(h, outChannels, 1, 1), false);
  return stride === 1 && inChannels === outChannels ? (tfl.layers.add().apply([x, h]) as Symbolic) : h;
}

/** MobileNetV2 at `size`×`size`×3 with `classes` outputs (softmax head, as keras builds it), weights from `seed`. */
export function mobileNetV2(options: { size?: number; classes?: number; seed?: number | string } = {}): tfl.LayersModel {
  const { size = 224, classes = 1000, seed = 1 } = options;
  const input = tfl.input({ shape: [size, size, 3] });
  let x = batchNormRelu6(conv(input, 32, 3, 2), true);
  let channels = 32;
  for (const [t, c, n, s] of invertedResidualStages) {
    for (let i = 0; i < n; i++) {
      x = invertedResidual(x, channels, t, c, i === 0 ? s : 1);
      channels = c;
    }
  }
  x = batchNormRelu6(conv(x, 1280, 1, 1), true);
  x = tfl.layers.globalAveragePooling2d({}).apply(x) as Symbolic;
  const output = tfl.layers.dense({ units: classes, activation: 'softmax' }).apply(x) as Symbolic;
  const model = tfl.model({ inputs: input, outputs: output });
  seedWeights(model, new Random(seed));
  return model;
}

/**
 * Replaces tfjs-layers' unseeded initial values: kernels He-uniform U(±√(6/fanIn)) (activations neither vanish nor blow up over 52 layers),
 * batch-norm scales U(0.5, 1.5), offsets and moving means U(±0.1), moving variances
 * U(0.5, 1.5) — so that inference batch norm is not the identity — dense bias 0.
 */
function seedWeights(model: tfl.LayersModel, random: Random): void {
  for (const weight of model.weights) {
    const shape = weight.shape as number[];
    const size = shape.reduce((a, b) => a * b, 1);
    const stream = random.fork(weight.name);
    const name = weight.name;
    let values: Float32Array;
    if (name.endsWith('gamma') || name.endsWith('moving_variance')) values = stream.uniformArray(size, 0.5, 1.5);
    else if (name.endsWith('beta') || name.endsWith('moving_mean')) values = stream.uniformArray(size, -0.1, 0.1);
    else if (name.endsWith('bias')) values = new Float32Array(size);
    else {
      // Conv [kh, kw, in, out], depthwise [kh, kw, in, 1], dense [in, out]: fan-in is all but the last axis (depthwise: the taps).
      const depthwise = name.includes('depthwise');
      const fanIn = depthwise ? shape[0]! * shape[1]! : size / shape[shape.length - 1]!;
      const bound = Math.sqrt(6 / fanIn);
      values = stream.uniformArray(size, -bound, bound);
    }
    const t = tf.tensor(values, shape);
    weight.write(t);
    t.dispose();
  }
}
