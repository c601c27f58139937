import { backend_util } from '@tensorflow/tfjs-core';

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

/** tfjs' shape info of a conv (depthwise: filter [h, w, in, multiplier]) with these attributes. */
export function convInfoOf(xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs, depthwise = false): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}
