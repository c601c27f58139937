import type { backend_util } from '@tensorflow/tfjs-core';

/** The attributes tfjs passes to its conv kernels (forward, fused, both gradients, depthwise). */
export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}
