import { getKernel, type TensorInfo } from '@tensorflow/tfjs-core';
import { heapView, type WasmBackend } from './wasm-heap.js';

/** The activations tfjs fuses into matMul and conv2d. */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'prelu' | 'elu' | 'sigmoid' | 'leakyrelu';

const activations = new Set<string>(['linear', 'relu', 'relu6', 'prelu', 'elu', 'sigmoid', 'leakyrelu']);

/** Bias and PReLU weights handled here: absent, one value, or one per channel of the last axis. */
export function fitsLastAxis(shape: readonly number[] | undefined, channels: number): boolean {
  if (shape === undefined) return true;
  const last = shape[shape.length - 1] ?? 1;
  return shape.slice(0, -1).every((d) => d === 1) && (last === 1 || last === channels);
}

export function isFusedActivation(name: string | undefined): name is FusedActivation | undefined {
  return name === undefined || activations.has(name);
}

/** Adds the bias and applies the activation in place, channel = index mod `channels`. */
export function applyEpilogue(
  out: Float32Array,
  channels: number,
  bias: Float32Array | undefined,
  activation: FusedActivation | undefined,
  preluWeights: Float32Array | undefined,
  leakyreluAlpha = 0.2,
): void {
  const n = out.length;
  if (bias) {
    if (bias.length === 1) {
      const b0 = bias[0]!;
      for (let i = 0; i < n; i++) out[i]! += b0;
    } else {
      for (let i = 0; i < n; i += channels) for (let c = 0; c < channels; c++) out[i + c]! += bias[c]!;
    }
  }
  switch (activation ?? 'linear') {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (out[i]! < 0) out[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < n; i++) out[i] = Math.min(Math.max(out[i]!, 0), 6);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) if (out[i]! < 0) out[i] = Math.expm1(out[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
      return;
    case 'leakyrelu':
      for (let i = 0; i < n; i++) if (out[i]! < 0) out[i] = out[i]! * leakyreluAlpha;
      return;
    case 'prelu': {
      const w = preluWeights!;
      for (let i = 0; i < n; i++) if (out[i]! < 0) out[i] = out[i]! * w[w.length === 1 ? 0 : i % channels]!;
      return;
    }
  }
}

/** Every row of `y` (rows of `channels`) set to `bias` (one value or one per channel), by doubling native copies. */
export function fillRows(y: Float32Array, bias: Float32Array, channels: number): void {
  if (bias.length === 1) {
    y.fill(bias[0]!);
    return;
  }
  y.set(bias.subarray(0, channels), 0);
  for (let filled = channels; filled < y.length; filled *= 2) y.copyWithin(filled, 0, Math.min(filled, y.length - filled));
}

/**
 * Applies the activation to `out` (rows of `channels`): relu and relu6 as the backend's own SIMD
 * kernel (a new tensor; `out` is freed), the others in place in JavaScript. A JavaScript pass
 * over the output measured 2–7× the GEMM's own time on MobileNetV2's 1×1 convs.
 */
export function activate(backend: WasmBackend, out: TensorInfo, channels: number, activation: FusedActivation, preluWeights: Float32Array | undefined, leakyreluAlpha: number | undefined): TensorInfo {
  if (activation === 'linear') return out;
  if (activation === 'relu' || activation === 'relu6') {
    const own = getKernel(activation === 'relu' ? 'Relu' : 'Relu6', 'wasm');
    if (own) {
      const activated = own.kernelFunc({ inputs: { x: out }, backend, attrs: {} }) as TensorInfo;
      backend.disposeData(out.dataId);
      return activated;
    }
  }
  applyEpilogue(heapView(backend, out), channels, undefined, activation, preluWeights, leakyreluAlpha);
  return out;
}
