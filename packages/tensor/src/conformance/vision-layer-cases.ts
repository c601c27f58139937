import * as tf from '@tensorflow/tfjs-core';
import type { ConformanceCase } from './cases.js';

const depthwiseKernels = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'];
const padTopLeft: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 0], [2, 1], [0, 0]];

/** The ops the tfjs-layers vision layers run (conv variants, pooling, normalization, activations, resizing). */
export const visionLayerCases: ConformanceCase[] = [
  { name: 'depthwiseConv2d same, multiplier 2', kernels: depthwiseKernels, inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 2] }], differentiable: true, fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  { name: 'depthwiseConv2d stride 2 same (MobileNet downsampling)', kernels: depthwiseKernels, inputs: [{ shape: [2, 7, 8, 4] }, { shape: [3, 3, 4, 1] }], differentiable: true, fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same') },
  { name: 'depthwiseConv2d stride 2 valid, unread last row', kernels: depthwiseKernels, inputs: [{ shape: [1, 8, 7, 2] }, { shape: [3, 2, 2, 3] }], differentiable: true, fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 3], 'valid') },
  // tfjs-core has no gradient for dilated depthwise convs (it throws), so values only.
  { name: 'depthwiseConv2d dilation 2 (forward only)', kernels: ['DepthwiseConv2dNative'], inputs: [{ shape: [2, 7, 7, 2] }, { shape: [3, 3, 2, 1] }], differentiable: false, fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2) },
  { name: 'depthwiseConv2d explicit asymmetric padding', kernels: depthwiseKernels, inputs: [{ shape: [2, 5, 5, 2] }, { shape: [2, 3, 2, 1] }], differentiable: true, fn: (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, padTopLeft) },
  { name: 'separableConv2d', kernels: [...depthwiseKernels, 'Conv2D'], inputs: [{ shape: [2, 6, 6, 3] }, { shape: [3, 3, 3, 2] }, { shape: [1, 1, 6, 4] }], differentiable: true, fn: (x, d, p) => tf.separableConv2d(x as tf.Tensor4D, d as tf.Tensor4D, p as tf.Tensor4D, 1, 'same') },
  { name: 'conv2dTranspose stride 2', kernels: ['Conv2DBackpropInput', 'Conv2D', 'Conv2DBackpropFilter'], inputs: [{ shape: [2, 4, 4, 3] }, { shape: [3, 3, 2, 3] }], differentiable: true, fn: (x, w) => tf.conv2dTranspose(x as tf.Tensor4D, w as tf.Tensor4D, [2, 8, 8, 2], 2, 'same') },
  { name: 'maxPool 2×2 stride 2', kernels: ['MaxPool', 'MaxPoolGrad'], inputs: [{ shape: [2, 6, 6, 2], domain: 'distinct' }], differentiable: true, fn: (x) => tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'maxPool 3×3 stride 2 same', kernels: ['MaxPool', 'MaxPoolGrad'], inputs: [{ shape: [2, 7, 7, 2], domain: 'distinct' }], differentiable: true, fn: (x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same') },
  { name: 'maxPool all-negative windows', kernels: ['MaxPool', 'MaxPoolGrad'], inputs: [{ shape: [2, 4, 4, 2], domain: 'distinct' }], differentiable: true, fn: (x) => tf.maxPool(tf.sub(x, 10) as tf.Tensor4D, 2, 2, 'valid') },
  { name: 'avgPool 3×3 stride 2 same', kernels: ['AvgPool', 'AvgPoolGrad'], inputs: [{ shape: [2, 7, 7, 2] }], differentiable: true, fn: (x) => tf.avgPool(x as tf.Tensor4D, 3, 2, 'same') },
  { name: 'global average and max pooling', kernels: ['Mean', 'Max'], inputs: [{ shape: [2, 4, 4, 3], domain: 'distinct' }], differentiable: true, fn: (x) => tf.add(tf.mean(x, [1, 2]), tf.max(x, [1, 2])) },
  { name: 'batchNorm (inference)', kernels: ['FusedBatchNorm', 'Rsqrt'], inputs: [{ shape: [2, 3, 3, 4] }, { shape: [4] }, { shape: [4], domain: 'positive' }, { shape: [4] }, { shape: [4] }], differentiable: true, fn: (x, mean, variance, offset, scale) => tf.batchNorm(x, mean!, variance!, offset, scale, 1e-3) },
  { name: 'relu6 as clip (mask of two comparisons)', kernels: ['ClipByValue', 'LessEqual', 'GreaterEqual', 'LogicalAnd'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (x) => tf.clipByValue(tf.mul(x, 5), 0, 6) },
  { name: 'sigmoid', kernels: ['Sigmoid'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (x) => tf.sigmoid(x) },
  { name: 'swish x·sigmoid(x)', kernels: ['Sigmoid', 'Multiply'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (x) => tf.mul(x, tf.sigmoid(x)) },
  { name: 'tanh', kernels: ['Tanh'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (x) => tf.tanh(x) },
  { name: 'elu', kernels: ['Elu', 'EluGrad'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (x) => tf.elu(x) },
  { name: 'selu', kernels: ['Selu'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (x) => tf.selu(x) },
  { name: 'leakyRelu', kernels: ['LeakyRelu'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (x) => tf.leakyRelu(x, 0.3) },
  { name: 'prelu', kernels: ['Prelu'], inputs: [{ shape: [2, 3, 3, 2], domain: 'awayFromZero' }, { shape: [2] }], differentiable: true, fn: (x, alpha) => tf.prelu(x, alpha!) },
  { name: 'softplus', kernels: ['Softplus'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (x) => tf.softplus(x) },
  { name: 'upsample nearest', kernels: ['ResizeNearestNeighbor', 'ResizeNearestNeighborGrad'], inputs: [{ shape: [2, 3, 3, 2] }], differentiable: true, fn: (x) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [6, 6]) },
  { name: 'upsample bilinear', kernels: ['ResizeBilinear', 'ResizeBilinearGrad'], inputs: [{ shape: [2, 3, 3, 2] }], differentiable: true, fn: (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [6, 6]) },
  { name: 'tile', kernels: ['Tile'], inputs: [{ shape: [2, 1, 3] }], differentiable: true, fn: (x) => tf.tile(x, [1, 4, 2]) },
  // Pieces used in order: tfjs 4.22 gets the gradient of split wrong when they are concatenated in another order.
  { name: 'split', kernels: ['SplitV'], inputs: [{ shape: [2, 5] }], differentiable: true, fn: (x) => { const [a, b] = tf.split(x, [2, 3], 1); return tf.concat([tf.mul(a!, 2), b!], 1); } },
  { name: 'squeeze-excite scale (broadcast multiply)', kernels: ['Multiply', 'Mean', 'Sigmoid'], inputs: [{ shape: [2, 3, 3, 4] }], differentiable: true, fn: (x) => tf.mul(x, tf.sigmoid(tf.mean(x, [1, 2], true))) },
];
