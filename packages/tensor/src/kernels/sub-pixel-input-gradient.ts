import {
  backend_util,
  getKernel,
  registerKernel,
  unregisterKernel,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';
import { requiredKernel } from './required-kernel.js';

/**
 * The input gradient of a conv2d with stride s splits into s_h·s_w "phases": input row
 * i = s·q + a only receives dy rows q + d through filter row u = a + pad − s·d. So
 *   dx[s·q + a] = Σ_d dy[q + d] · K[a + pad − s·d],   d ∈ [first, last],
 * a stride-1 correlation of dy with a rearranged filter whose output channels are the
 * phases; interleaving the phases gives dx. One forward Conv2D (XNNPACK on wasm) replaces
 * the backend's direct Conv2DBackpropInput loop.
 */
export interface SubPixelPlan {
  /** The rearranged filter's height/width (range of d). */
  windowHeight: number;
  windowWidth: number;
  /** Smallest d per axis (≤ 0). */
  firstHeight: number;
  firstWidth: number;
  /** Explicit padding of dy for the stride-1 conv. */
  padding: [[number, number], [number, number], [number, number], [number, number]];
  /** Phase rows/columns computed: ceil(in / stride); the interleaved result is cropped to the input size. */
  phaseRows: number;
  phaseColumns: number;
}

function axisPlan(inSize: number, outSize: number, filter: number, stride: number, padBefore: number) {
  const first = Math.ceil((padBefore - filter + 1) / stride) || 0; // no -0
  const last = Math.floor((stride - 1 + padBefore) / stride);
  const phases = Math.ceil(inSize / stride);
  const before = 0 - first;
  const after = phases + last - outSize;
  return { first, window: last - first + 1, phases, before, after };
}

/** The plan for one conv, or null when the phase form does not apply (dilation, padding beyond the filter, NCHW). */
export function subPixelPlan(info: backend_util.Conv2DInfo): SubPixelPlan | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const rows = axisPlan(info.inHeight, info.outHeight, info.filterHeight, info.strideHeight, info.padInfo.top);
  const columns = axisPlan(info.inWidth, info.outWidth, info.filterWidth, info.strideWidth, info.padInfo.left);
  if (rows.before < 0 || rows.after < 0 || columns.before < 0 || columns.after < 0) return null;
  return {
    windowHeight: rows.window,
    windowWidth: columns.window,
    firstHeight: rows.first,
    firstWidth: columns.first,
    padding: [[0, 0], [rows.before, rows.after], [columns.before, columns.after], [0, 0]],
    phaseRows: rows.phases,
    phaseColumns: columns.phases,
  };
}

/** K [kh, kw, inC, outC] → [windowH, windowW, outC, s_h·s_w·inC]: tap (d_h, d_w) of phase (a_h, a_w) is K[a + pad − s·d]. */
export function rearrangeFilter(filter: Float32Array, info: backend_util.Conv2DInfo, plan: SubPixelPlan): Float32Array {
  const { filterHeight: kh, filterWidth: kw, inChannels, outChannels, strideHeight: sh, strideWidth: sw } = info;
  const phaseChannels = sh * sw * inChannels;
  const out = new Float32Array(plan.windowHeight * plan.windowWidth * outChannels * phaseChannels);
  for (let dh = 0; dh < plan.windowHeight; dh++) {
    for (let dw = 0; dw < plan.windowWidth; dw++) {
      for (let ah = 0; ah < sh; ah++) {
        const u = ah + info.padInfo.top - sh * (dh + plan.firstHeight);
        if (u < 0 || u >= kh) continue;
        for (let aw = 0; aw < sw; aw++) {
          const v = aw + info.padInfo.left - sw * (dw + plan.firstWidth);
          if (v < 0 || v >= kw) continue;
          for (let o = 0; o < outChannels; o++) {
            const target = ((dh * plan.windowWidth + dw) * outChannels + o) * phaseChannels + (ah * sw + aw) * inChannels;
            const source = (u * kw + v) * inChannels * outChannels + o;
            for (let c = 0; c < inChannels; c++) out[target + c] = filter[source + c * outChannels]!;
          }
        }
      }
    }
  }
  return out;
}

const wrappedMarker = Symbol('liftguard.subPixelInputGradient');
const originals = new Map<string, KernelConfig>();

function subPixelKernelFunc(original: KernelConfig): KernelFunc {
  const { backendName } = original;
  const kernelFunc: KernelFunc = (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const info = backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      backend_util.convertConv2DDataFormat(dataFormat),
    );
    const plan = subPixelPlan(info);
    if (plan == null) return original.kernelFunc(args);
    const backend = args.backend as KernelBackend;
    const { batchSize, inHeight, inWidth, inChannels, strideHeight: sh, strideWidth: sw } = info;
    const temporaries: TensorInfo[] = [];
    try {
      const phaseFilter = writeTensorInfo(
        backend,
        rearrangeFilter(readFloat32(backend, filter), info, plan),
        [plan.windowHeight, plan.windowWidth, info.outChannels, sh * sw * inChannels],
        'float32',
      );
      temporaries.push(phaseFilter);
      const phases = requiredKernel('Conv2D', backendName).kernelFunc({
        inputs: { x: dy, filter: phaseFilter },
        backend,
        attrs: { strides: 1, pad: plan.padding, dataFormat: 'NHWC', dilations: 1 },
      }) as TensorInfo;
      let interleaved = phases;
      if (sh > 1 || sw > 1) {
        temporaries.push(phases);
        // [n·Q_h, Q_w, s_h, s_w, C] → [n·Q_h, s_h, Q_w, s_w, C]: row q·s_h + a_h, column q_w·s_w + a_w.
        const grouped: TensorInfo = { ...phases, shape: [batchSize * plan.phaseRows, plan.phaseColumns, sh, sw, inChannels] };
        interleaved = requiredKernel('Transpose', backendName).kernelFunc({ inputs: { x: grouped }, backend, attrs: { perm: [0, 2, 1, 3, 4] } }) as TensorInfo;
      }
      const fullShape = [batchSize, plan.phaseRows * sh, plan.phaseColumns * sw, inChannels];
      if (fullShape[1] === inHeight && fullShape[2] === inWidth) return { ...interleaved, shape: [batchSize, inHeight, inWidth, inChannels] };
      temporaries.push(interleaved);
      return requiredKernel('Slice', backendName).kernelFunc({
        inputs: { x: { ...interleaved, shape: fullShape } },
        backend,
        attrs: { begin: [0, 0, 0, 0], size: [batchSize, inHeight, inWidth, inChannels] },
      }) as TensorInfo;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[wrappedMarker] = true;
  return kernelFunc;
}

/**
 * Routes a backend's Conv2DBackpropInput through one forward Conv2D (see `SubPixelPlan`),
 * keeping the backend's kernel for the shapes the phase form does not cover. True when it wrapped.
 */
export function installSubPixelInputGradient(backendName: string): boolean {
  const original = getKernel('Conv2DBackpropInput', backendName);
  if (original == null || getKernel('Conv2D', backendName) == null) return false;
  if ((original.kernelFunc as unknown as Record<symbol, boolean>)[wrappedMarker]) return true;
  unregisterKernel('Conv2DBackpropInput', backendName);
  registerKernel({ ...original, kernelFunc: subPixelKernelFunc(original) });
  originals.set(backendName, original);
  return true;
}

/** Puts the backend's own Conv2DBackpropInput back (for comparisons); true when it restored one. */
export function uninstallSubPixelInputGradient(backendName: string): boolean {
  const original = originals.get(backendName);
  if (original == null) return false;
  unregisterKernel('Conv2DBackpropInput', backendName);
  registerKernel(original);
  originals.delete(backendName);
  return true;
}
