import type { Initialization } from './initializers.js';
import type { LayerSpec, ModelSpec } from './layer-spec.js';
import { SequentialClassifier } from './sequential-classifier.js';

export interface BuildOptions {
  initialization?: Initialization;
  seed?: number | string;
}

/** An MLP spec: widths[0] inputs, ReLU hidden layers, linear output (default 784-128-128-10). */
export function mlpSpec(widths: readonly number[] = [784, 128, 128, 10]): ModelSpec {
  if (widths.length < 2) throw new Error(`an MLP needs at least input and output widths, got [${widths.join(', ')}]`);
  const layers: LayerSpec[] = [];
  widths.slice(1).forEach((units, i) => {
    layers.push({ type: 'dense', units });
    if (i < widths.length - 2) layers.push({ type: 'relu' });
  });
  return { inputShape: [widths[0]!], layers };
}

/**
 * The two-conv MNIST CNNs of CUTTING_PLANE.md §5: conv 1→c1 3×3 stride 2 pad 1 + ReLU,
 * conv c1→c2 3×3 stride 2 pad 1 + ReLU, flatten (7·7·c2), dense + ReLU, dense 10.
 */
export function twoConvSpec(channels: readonly [number, number], hidden: number): ModelSpec {
  const conv = (filters: number): LayerSpec => ({ type: 'conv2d', filters, kernelSize: 3, strides: 2, padding: 1 });
  return {
    inputShape: [28, 28, 1],
    layers: [conv(channels[0]), { type: 'relu' }, conv(channels[1]), { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: hidden }, { type: 'relu' }, { type: 'dense', units: 10 }],
  };
}

/** CNNLight: 8/16 channels, dense 50 — 41,008 parameters. */
export const cnnLightSpec = (): ModelSpec => twoConvSpec([8, 16], 50);

/** CNN: 16/32 channels, dense 100 — 162,710 parameters. */
export const cnnSpec = (): ModelSpec => twoConvSpec([16, 32], 100);

/** An MLP (default 784-128-128-10) with the lifted-network initialization unless told otherwise. */
export function mlp(widths?: readonly number[], { initialization = 'lifted', seed = 0 }: BuildOptions = {}): SequentialClassifier {
  return SequentialClassifier.create(mlpSpec(widths), { initialization, seed });
}

/** CNNLight with PyTorch's default initialization unless told otherwise. */
export function cnnLight({ initialization = 'pytorch', seed = 0 }: BuildOptions = {}): SequentialClassifier {
  return SequentialClassifier.create(cnnLightSpec(), { initialization, seed });
}

/** CNN with PyTorch's default initialization unless told otherwise. */
export function cnn({ initialization = 'pytorch', seed = 0 }: BuildOptions = {}): SequentialClassifier {
  return SequentialClassifier.create(cnnSpec(), { initialization, seed });
}
