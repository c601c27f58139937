import type { Conv2dLayer, DenseLayer } from './layer-spec.js';
import { pytorchRowOrder } from './flatten-order.js';
import { resolveSpec, type ResolvedLayer } from './resolve-spec.js';
import { encodeSafetensors } from './safetensors.js';
import type { SequentialClassifier } from './sequential-classifier.js';

export interface PytorchExportOptions {
  /**
   * The PyTorch module name of each dense/conv2d layer, in spec order: its parameters become
   * `<name>.weight` and `<name>.bias` (e.g. ['conv1', 'conv2', 'fc1', 'fc2'], or ['0', '2', '5', '7'] for nn.Sequential).
   */
  layerNames: readonly string[];
}

/** A tensor in PyTorch's layout, as `encodeSafetensors` takes it. */
export interface PytorchTensor {
  shape: number[];
  values: Float32Array;
}

/**
 * The model's parameters as a PyTorch `state_dict` (the inverse of `importPytorchWeights`):
 * conv kernel (kh, kw, in, out) → weight (out, in, kh, kw); dense kernel (in, out) → weight
 * (out, in), and for a dense layer right after flattening a conv output its inputs reordered
 * from our NHWC (h, w, c) to PyTorch's (c, h, w). The PyTorch module must use the same
 * padding (PyTorch's `padding=p` is our `padding: p`).
 */
export function exportPytorchWeights(model: SequentialClassifier, options: PytorchExportOptions): Record<string, PytorchTensor> {
  const resolved = resolveSpec(model.spec);
  const parametric = resolved.layers.filter((l) => l.spec.type === 'dense' || l.spec.type === 'conv2d');
  if (options.layerNames.length !== parametric.length) {
    throw new Error(`exportPytorchWeights: the spec has ${parametric.length} dense/conv2d layers, got ${options.layerNames.length} layer names`);
  }
  if (new Set(options.layerNames).size !== options.layerNames.length) throw new Error(`exportPytorchWeights: layer names must be distinct, got ${options.layerNames.join(', ')}`);
  const values = model.parameterValues();
  const valueOf = (layer: ResolvedLayer, role: 'kernel' | 'bias') => {
    const i = resolved.parameters.findIndex((p) => p.layerIndex === layer.index && p.role === role);
    return i === -1 ? null : { info: resolved.parameters[i]!, values: values[i]! };
  };
  const out: Record<string, PytorchTensor> = {};
  parametric.forEach((layer, i) => {
    const name = options.layerNames[i]!;
    const kernel = valueOf(layer, 'kernel')!;
    if (layer.spec.type === 'conv2d') {
      const [kh, kw, cin, cout] = kernel.info.shape as [number, number, number, number];
      out[`${name}.weight`] = { shape: [cout, cin, kh, kw], values: hwioToOihw(kernel.values, kh, kw, cin, cout) };
    } else {
      const [fanIn, units] = kernel.info.shape as [number, number];
      out[`${name}.weight`] = { shape: [units, fanIn], values: pytorchDenseWeight(kernel.values, units, fanIn, layer) };
    }
    const bias = (layer.spec as Conv2dLayer | DenseLayer).useBias === false ? null : valueOf(layer, 'bias');
    if (bias) out[`${name}.bias`] = { shape: [...bias.info.shape], values: bias.values };
  });
  return out;
}

/**
 * `exportPytorchWeights` encoded as a safetensors file (float32). In PyTorch:
 * `model.load_state_dict(safetensors.torch.load_file(path))`.
 */
export function exportPytorchSafetensors(model: SequentialClassifier, options: PytorchExportOptions & { metadata?: Record<string, string> }): Uint8Array {
  return encodeSafetensors(exportPytorchWeights(model, options), options.metadata);
}

/** (kh, kw, in, out) → (out, in, kh, kw). */
export function hwioToOihw(w: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++) for (let c = 0; c < cin; c++) for (let o = 0; o < cout; o++) out[((o * cin + c) * kh + y) * kw + x] = w[((y * kw + x) * cin + c) * cout + o]!;
  return out;
}

/** (in, out) → (out, in), with inputs reordered from (h, w, c) to (c, h, w) after a flattened conv output. */
function pytorchDenseWeight(w: Float32Array, units: number, fanIn: number, layer: ResolvedLayer): Float32Array {
  const out = new Float32Array(w.length);
  const order = pytorchRowOrder(layer, fanIn);
  for (let row = 0; row < fanIn; row++) for (let u = 0; u < units; u++) out[u * fanIn + order[row]!] = w[row * units + u]!;
  return out;
}
