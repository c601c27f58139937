import * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { Random } from '@liftguard/tensor';

export type Head = 'linear' | 'softmax' | 'softmax-layer' | 'sigmoid-binary';

/**
 * A small Keras-style functional model using every layer the wrapper supports: zero padding,
 * conv2d, batch norm, relu6, depthwise conv, swish, a residual add, a squeeze-excite block
 * (global average pooling, dense, sigmoid, reshape, multiply), separable conv, elu, leaky ReLU,
 * PReLU, max and average pooling, upsampling, cropping, transposed conv, concatenate, tanh,
 * sigmoid, dropout, flatten and dense, with the given head.
 */
export function everyLayerModel(head: Head, classes = 5): tfl.LayersModel {
  const L = tfl.layers;
  const input = tfl.input({ shape: [10, 10, 3] });
  const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => layer.apply(x) as tfl.SymbolicTensor;
  let x = apply(L.zeroPadding2d({ padding: [[1, 0], [0, 1]] }), input); // 11×11
  x = apply(L.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid' }), x); // 5×5
  x = apply(L.batchNormalization({}), x);
  x = apply(L.reLU({ maxValue: 6 }), x);
  const branch = apply(L.activation({ activation: 'swish' }), apply(L.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1 }), x));
  x = apply(L.add(), [x, apply(L.conv2d({ filters: 6, kernelSize: 1 }), branch)]);
  // squeeze-excite
  let se = apply(L.globalAveragePooling2d({}), x);
  se = apply(L.dense({ units: 3, activation: 'relu' }), se);
  se = apply(L.dense({ units: 6, activation: 'sigmoid' }), se);
  se = apply(L.reshape({ targetShape: [1, 1, 6] }), se);
  x = apply(L.multiply(), [x, se]);
  x = apply(L.separableConv2d({ filters: 8, kernelSize: 3, padding: 'same' }), x);
  x = apply(L.elu({}), x);
  x = apply(L.leakyReLU({ alpha: 0.2 }), x);
  x = apply(L.prelu({}), x);
  const pooledMax = apply(L.maxPooling2d({ poolSize: 2, strides: 1, padding: 'valid' }), x); // 4×4
  const pooledAvg = apply(L.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), pooledMax); // 4×4
  let up = apply(L.upSampling2d({ size: [2, 2] }), pooledAvg); // 8×8
  up = apply(L.cropping2D({ cropping: [[1, 1], [2, 2]] }), up); // 6×4
  up = apply(L.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), up); // 12×8
  up = apply(L.averagePooling2d({ poolSize: [3, 2], strides: [3, 2] }), up); // 4×4
  x = apply(L.concatenate(), [pooledAvg, up]);
  x = apply(L.activation({ activation: 'tanh' }), x);
  const global = apply(L.globalMaxPooling2d({}), x);
  x = apply(L.flatten(), apply(L.dropout({ rate: 0.3 }), x));
  x = apply(L.concatenate(), [x, global]);
  x = apply(L.dense({ units: 12, activation: 'relu6' }), x);
  x = apply(L.activation({ activation: 'sigmoid' }), x);
  let output: tfl.SymbolicTensor;
  if (head === 'softmax-layer') output = apply(L.softmax({}), apply(L.dense({ units: classes }), x));
  else if (head === 'sigmoid-binary') output = apply(L.dense({ units: 1, activation: 'sigmoid' }), x);
  else output = apply(L.dense({ units: classes, activation: head }), x);
  return tfl.model({ inputs: input, outputs: output });
}

/** Deterministic, non-trivial weights (batch-norm variances positive), in place. */
export function randomizeWeights(model: tfl.LayersModel, seed: string): void {
  const rng = new Random(seed);
  const values = model.getWeights().map((w, i) => {
    const name = model.weights[i]!.originalName;
    const data = name.includes('moving_variance') ? rng.uniformArray(w.size, 0.5, 2) : name.includes('gamma') ? rng.uniformArray(w.size, 0.5, 1.5) : rng.normalArray(w.size).map((v) => v * 0.4);
    return tf.tensor(data, w.shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}
