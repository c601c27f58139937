import * as tf from '@tensorflow/tfjs-core';
import { visionLayerCases } from './vision-layer-cases.js';

/** How an input's values are drawn: kept away from kinks and domain edges. */
export type InputDomain = 'normal' | 'positive' | 'awayFromZero' | 'distinct' | 'labels';

export interface InputSpec {
  shape: number[];
  domain?: InputDomain;
  /** For `labels`: values in [0, classes). */
  classes?: number;
}

/** One op the packages use: its kernels, inputs and the computation to compare. */
export interface ConformanceCase {
  name: string;
  kernels: string[];
  inputs: InputSpec[];
  /** Whether gradients with respect to the float inputs are compared too. */
  differentiable: boolean;
  fn: (...xs: tf.Tensor[]) => tf.Tensor;
}

const explicitPad: [[number, number], [number, number], [number, number], [number, number]] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

/** The ops LiftGuard relies on; `requiredKernels` must be covered by these (a test checks). */
export const conformanceCases: ConformanceCase[] = [
  { name: 'matMul', kernels: ['BatchMatMul'], inputs: [{ shape: [5, 7] }, { shape: [7, 3] }], differentiable: true, fn: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D) },
  { name: 'matMul transposeA', kernels: ['BatchMatMul'], inputs: [{ shape: [7, 5] }, { shape: [7, 3] }], differentiable: true, fn: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false) },
  { name: 'matMul transposeB', kernels: ['BatchMatMul'], inputs: [{ shape: [5, 7] }, { shape: [3, 7] }], differentiable: true, fn: (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true) },
  { name: 'batched matMul transposeA+B', kernels: ['BatchMatMul'], inputs: [{ shape: [2, 7, 5] }, { shape: [2, 3, 7] }], differentiable: true, fn: (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, true, true) },
  { name: 'fused matMul + bias + relu', kernels: ['_FusedMatMul'], inputs: [{ shape: [5, 7] }, { shape: [3, 7] }, { shape: [3] }], differentiable: true, fn: (a, b, bias) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias, activation: 'relu' }) },
  // Wide enough (patch × output channels ≥ 8192, ≥ 256 output pixels) that @liftguard/tensor-blas runs it on BLAS.
  { name: 'conv2d wide same', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [{ shape: [2, 12, 12, 32] }, { shape: [3, 3, 32, 32] }], differentiable: true, fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  { name: 'fused conv2d wide stride 2 + bias', kernels: ['FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [{ shape: [4, 16, 16, 32] }, { shape: [3, 3, 32, 32] }, { shape: [32] }], differentiable: true, fn: (x, w, bias) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: explicitPad, bias }) },
  // Value only: tfjs's BatchMatMul gradient does not reduce over broadcast batch dims (on any backend).
  { name: 'batched matMul, unbatched B', kernels: ['BatchMatMul'], inputs: [{ shape: [3, 4, 6] }, { shape: [6, 5] }], differentiable: false, fn: (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor2D) },
  { name: 'conv2d same', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [{ shape: [2, 6, 6, 2] }, { shape: [3, 3, 2, 3] }], differentiable: true, fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same') },
  { name: 'conv2d stride 2 explicit pad 1', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [{ shape: [3, 7, 7, 1] }, { shape: [3, 3, 1, 4] }], differentiable: true, fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, explicitPad) },
  { name: 'conv2d valid', kernels: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'], inputs: [{ shape: [2, 5, 6, 3] }, { shape: [2, 3, 3, 2] }], differentiable: true, fn: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [1, 2], 'valid') },
  { name: 'add (broadcast)', kernels: ['Add'], inputs: [{ shape: [4, 3] }, { shape: [3] }], differentiable: true, fn: (a, b) => tf.add(a, b) },
  { name: 'addN', kernels: ['AddN'], inputs: [{ shape: [4, 3] }, { shape: [4, 3] }, { shape: [4, 3] }], differentiable: true, fn: (a, b, c) => tf.addN([a, b, c]) },
  { name: 'sub', kernels: ['Sub'], inputs: [{ shape: [4, 3] }, { shape: [4, 1] }], differentiable: true, fn: (a, b) => tf.sub(a, b) },
  { name: 'mul', kernels: ['Multiply'], inputs: [{ shape: [4, 3] }, { shape: [4, 3] }], differentiable: true, fn: (a, b) => tf.mul(a, b) },
  { name: 'div', kernels: ['RealDiv'], inputs: [{ shape: [4, 3] }, { shape: [3], domain: 'positive' }], differentiable: true, fn: (a, b) => tf.div(a, b) },
  { name: 'neg', kernels: ['Neg'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (a) => tf.neg(a) },
  { name: 'maximum', kernels: ['Maximum'], inputs: [{ shape: [12], domain: 'distinct' }, { shape: [12], domain: 'distinct' }], differentiable: true, fn: (a, b) => tf.maximum(a, tf.add(b, 0.05)) },
  { name: 'minimum', kernels: ['Minimum'], inputs: [{ shape: [12], domain: 'distinct' }, { shape: [12], domain: 'distinct' }], differentiable: true, fn: (a, b) => tf.minimum(a, tf.add(b, 0.05)) },
  { name: 'clipByValue', kernels: ['ClipByValue'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (a) => tf.clipByValue(a, -0.5, 0.55) },
  { name: 'relu', kernels: ['Relu', 'Step'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (a) => tf.relu(a) },
  { name: 'step', kernels: ['Step'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: false, fn: (a) => tf.step(a) },
  { name: 'exp', kernels: ['Exp'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (a) => tf.exp(a) },
  { name: 'log', kernels: ['Log'], inputs: [{ shape: [4, 3], domain: 'positive' }], differentiable: true, fn: (a) => tf.log(a) },
  { name: 'sqrt', kernels: ['Sqrt'], inputs: [{ shape: [4, 3], domain: 'positive' }], differentiable: true, fn: (a) => tf.sqrt(a) },
  { name: 'squaredDifference', kernels: ['SquaredDifference'], inputs: [{ shape: [4, 3] }, { shape: [4, 3] }], differentiable: true, fn: (a, b) => tf.squaredDifference(a, b) },
  { name: 'stack', kernels: ['Pack'], inputs: [{ shape: [3] }, { shape: [3] }], differentiable: true, fn: (a, b) => tf.stack([a, b]) },
  { name: 'square', kernels: ['Square'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (a) => tf.square(a) },
  { name: 'abs', kernels: ['Abs'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: true, fn: (a) => tf.abs(a) },
  { name: 'sign', kernels: ['Sign'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: false, fn: (a) => tf.sign(a) },
  { name: 'sum axis 1', kernels: ['Sum'], inputs: [{ shape: [4, 5] }], differentiable: true, fn: (a) => tf.sum(a, 1) },
  { name: 'mean axis 0', kernels: ['Mean'], inputs: [{ shape: [4, 5] }], differentiable: true, fn: (a) => tf.mean(a, 0) },
  { name: 'max axis 1', kernels: ['Max'], inputs: [{ shape: [4, 6], domain: 'distinct' }], differentiable: true, fn: (a) => tf.max(a, 1) },
  { name: 'argMax', kernels: ['ArgMax'], inputs: [{ shape: [4, 6], domain: 'distinct' }], differentiable: false, fn: (a) => tf.argMax(a, 1) },
  { name: 'softmax', kernels: ['Softmax'], inputs: [{ shape: [4, 5] }], differentiable: true, fn: (a) => tf.softmax(a) },
  { name: 'logSoftmax', kernels: ['Max', 'Exp', 'Log', 'Sum', 'Sub'], inputs: [{ shape: [4, 5] }], differentiable: true, fn: (a) => tf.logSoftmax(a) },
  { name: 'reshape', kernels: ['Reshape'], inputs: [{ shape: [2, 3, 4] }], differentiable: true, fn: (a) => tf.reshape(a, [6, 4]) },
  { name: 'transpose', kernels: ['Transpose'], inputs: [{ shape: [2, 3, 4] }], differentiable: true, fn: (a) => tf.transpose(a, [2, 0, 1]) },
  { name: 'pad', kernels: ['PadV2'], inputs: [{ shape: [2, 3, 3, 1] }], differentiable: true, fn: (a) => tf.pad(a, explicitPad) },
  { name: 'slice', kernels: ['Slice'], inputs: [{ shape: [5, 4] }], differentiable: true, fn: (a) => tf.slice(a, [1, 1], [3, 2]) },
  { name: 'concat', kernels: ['Concat'], inputs: [{ shape: [2, 3] }, { shape: [2, 2] }], differentiable: true, fn: (a, b) => tf.concat([a, b], 1) },
  { name: 'gather (repeated indices)', kernels: ['GatherV2', 'UnsortedSegmentSum'], inputs: [{ shape: [5, 3] }], differentiable: true, fn: (a) => tf.gather(a, tf.tensor1d([4, 0, 4, 2], 'int32')) },
  { name: 'oneHot', kernels: ['OneHot'], inputs: [{ shape: [6], domain: 'labels', classes: 4 }], differentiable: false, fn: (labels) => tf.oneHot(labels as tf.Tensor1D, 4) },
  { name: 'where (select)', kernels: ['Select', 'Greater'], inputs: [{ shape: [4, 3] }, { shape: [4, 3] }, { shape: [4, 3], domain: 'labels', classes: 2 }], differentiable: true, fn: (a, b, mask) => tf.where(tf.greater(mask, 0), a, b) },
  { name: 'less', kernels: ['Less'], inputs: [{ shape: [4, 3], domain: 'awayFromZero' }], differentiable: false, fn: (a) => tf.less(a, 0) },
  { name: 'equal', kernels: ['Equal'], inputs: [{ shape: [6], domain: 'labels', classes: 3 }], differentiable: false, fn: (a) => tf.equal(a, tf.scalar(1, 'int32')) },
  { name: 'cast', kernels: ['Cast'], inputs: [{ shape: [4, 3] }], differentiable: true, fn: (a) => tf.cast(tf.cast(a, 'float32'), 'float32') },
  { name: 'fill', kernels: ['Fill'], inputs: [], differentiable: false, fn: () => tf.fill([2, 3], 0.25) },
  { name: 'zerosLike', kernels: ['ZerosLike'], inputs: [{ shape: [2, 3] }], differentiable: false, fn: (a) => tf.zerosLike(a) },
  { name: 'isNaN', kernels: ['IsNan'], inputs: [{ shape: [2, 3] }], differentiable: false, fn: (a) => tf.isNaN(tf.sqrt(a)) },
  ...visionLayerCases,
];
