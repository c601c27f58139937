import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvActivation, ConvGeometry, DnnlLibrary } from './dnnl-library.js';
import { fitsLastAxis } from './fused-epilogue.js';
import { convInfoOf, type ConvAttrs } from './conv-attrs.js';
import { heapView, isWasmBackend, type WasmBackend } from './wasm-heap.js';

/** Plain convolutions, or depthwise ones (one group per input channel). */
type Family = 'conv' | 'depthwise';

const dnnlActivations = new Set<string>(['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu']);

/** tfjs' convolution shape info as oneDNN's geometry; null for layouts these kernels leave alone. */
function geometry(family: Family, xShape: readonly number[], filterShape: readonly number[], attrs: ConvAttrs): ConvGeometry | null {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return null;
  const c = convInfoOf(xShape, filterShape, attrs, family === 'depthwise');
  if (c.batchSize * c.outHeight * c.outWidth * c.outChannels === 0 || c.inChannels === 0) return null;
  return {
    batch: c.batchSize,
    inHeight: c.inHeight,
    inWidth: c.inWidth,
    inChannels: c.inChannels,
    outHeight: c.outHeight,
    outWidth: c.outWidth,
    outChannels: c.outChannels,
    filterHeight: c.filterHeight,
    filterWidth: c.filterWidth,
    strideHeight: c.strideHeight,
    strideWidth: c.strideWidth,
    dilationHeight: c.dilationHeight,
    dilationWidth: c.dilationWidth,
    padTop: c.padInfo.top,
    padLeft: c.padInfo.left,
    groups: family === 'depthwise' ? c.inChannels : 1,
  };
}

const floats = (...infos: (TensorInfo | undefined)[]): boolean => infos.every((t) => t === undefined || t.dtype === 'float32');

/** Runs `compute` into a fresh output; falls back to `previous` (before allocating) when the shape is not ours, or (after) when oneDNN declines it. */
function withOutput(backend: WasmBackend, shape: number[], compute: (out: Float32Array) => boolean, fallback: () => TensorInfo): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  if (compute(heapView(backend, out))) return out;
  backend.disposeData(out.dataId);
  return fallback();
}

/** y = activation(conv(x, w) + bias): Conv2D, FusedConv2D and their depthwise twins. */
function forward(dnnl: DnnlLibrary, previous: KernelConfig, family: Family, fused: boolean): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const activation = (fused ? (attrs.activation ?? 'linear') : 'linear') as ConvActivation;
    const g = isWasmBackend(backend) && floats(x, filter, bias) ? geometry(family, x.shape, filter.shape, attrs) : null;
    // Per-channel bias only (a scalar bias is rare: the previous kernel has it), no PReLU.
    const supported = g !== null && dnnlActivations.has(activation) && preluActivationWeights === undefined && (bias === undefined || (fitsLastAxis(bias.shape, g.outChannels) && bias.shape[bias.shape.length - 1] === g.outChannels));
    if (!supported) return previous.kernelFunc(args);
    const wasm = backend as WasmBackend;
    return withOutput(
      wasm,
      [g.batch, g.outHeight, g.outWidth, g.outChannels],
      (y) => dnnl.forward(g, heapView(wasm, x), heapView(wasm, filter), bias ? heapView(wasm, bias) : null, activation, attrs.leakyreluAlpha ?? 0.2, y),
      () => previous.kernelFunc(args) as TensorInfo,
    );
  };
}

/** dx for Conv2DBackpropInput and DepthwiseConv2dNativeBackpropInput. */
function backwardData(dnnl: DnnlLibrary, previous: KernelConfig, family: Family): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const g = isWasmBackend(backend) && floats(dy, filter) && attrs.inputShape ? geometry(family, attrs.inputShape, filter.shape, attrs) : null;
    if (g === null) return previous.kernelFunc(args);
    const wasm = backend as WasmBackend;
    return withOutput(wasm, [...attrs.inputShape!], (dx) => dnnl.backwardData(g, heapView(wasm, dy), heapView(wasm, filter), dx), () => previous.kernelFunc(args) as TensorInfo);
  };
}

/** dw for Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter. */
function backwardWeights(dnnl: DnnlLibrary, previous: KernelConfig, family: Family): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const g = isWasmBackend(backend) && floats(x, dy) && attrs.filterShape ? geometry(family, x.shape, attrs.filterShape, attrs) : null;
    if (g === null) return previous.kernelFunc(args);
    const wasm = backend as WasmBackend;
    return withOutput(wasm, [...attrs.filterShape!], (dw) => dnnl.backwardWeights(g, heapView(wasm, x), heapView(wasm, dy), dw), () => previous.kernelFunc(args) as TensorInfo);
  };
}

/** The kernels oneDNN takes over, each over the kernel registered before it (wasm's own, or the BLAS one). */
export const dnnlKernels: readonly { kernelName: string; make: (dnnl: DnnlLibrary, previous: KernelConfig) => KernelFunc }[] = [
  { kernelName: 'Conv2D', make: (d, p) => forward(d, p, 'conv', false) },
  { kernelName: 'FusedConv2D', make: (d, p) => forward(d, p, 'conv', true) },
  { kernelName: 'DepthwiseConv2dNative', make: (d, p) => forward(d, p, 'depthwise', false) },
  { kernelName: 'FusedDepthwiseConv2D', make: (d, p) => forward(d, p, 'depthwise', true) },
  { kernelName: 'Conv2DBackpropInput', make: (d, p) => backwardData(d, p, 'conv') },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', make: (d, p) => backwardData(d, p, 'depthwise') },
  { kernelName: 'Conv2DBackpropFilter', make: (d, p) => backwardWeights(d, p, 'conv') },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', make: (d, p) => backwardWeights(d, p, 'depthwise') },
];
