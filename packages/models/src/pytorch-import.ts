import type { Conv2dLayer, DenseLayer, ModelSpec } from './layer-spec.js';
import { pytorchRowOrder } from './flatten-order.js';
import { resolveSpec, type ResolvedLayer } from './resolve-spec.js';
import type { NamedTensor } from './safetensors.js';
import { SequentialClassifier } from './sequential-classifier.js';

export interface PytorchImportOptions {
  /**
   * The PyTorch module name of each dense/conv2d layer, in spec order: its parameters are
   * `<name>.weight` and `<name>.bias` (e.g. ['conv1', 'conv2', 'fc1', 'fc2'], or ['0', '2', '5', '7'] for nn.Sequential).
   */
  layerNames: readonly string[];
  /** Fail when the file holds tensors no layer uses (default true). */
  strict?: boolean;
  /** Names the source in error messages. */
  source?: string;
}

/**
 * Builds a classifier from PyTorch weights in our layer spec. Converts the layouts: conv
 * weight (out, in, kh, kw) → (kh, kw, in, out); dense weight (out, in) → (in, out); and for a
 * dense layer right after flattening a conv output, its input order from PyTorch's (c, h, w)
 * to our NHWC (h, w, c). Padding must be written explicitly in the spec (PyTorch's stride-2
 * `padding=1` is not tfjs 'same').
 */
export function importPytorchWeights(spec: ModelSpec, tensors: Map<string, NamedTensor>, options: PytorchImportOptions): SequentialClassifier {
  const source = options.source ?? 'PyTorch weights';
  const resolved = resolveSpec(spec);
  const parametric = resolved.layers.filter((l) => l.spec.type === 'dense' || l.spec.type === 'conv2d');
  if (options.layerNames.length !== parametric.length) {
    throw new Error(`${source}: the spec has ${parametric.length} dense/conv2d layers, got ${options.layerNames.length} layer names`);
  }
  const used = new Set<string>();
  const take = (key: string, expected: number[]): NamedTensor => {
    const t = tensors.get(key);
    if (t === undefined) throw new Error(`${source}: no tensor '${key}' (the file has ${[...tensors.keys()].join(', ')})`);
    if (t.shape.length !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`${source}: '${key}' has shape [${t.shape.join(', ')}], the spec needs [${expected.join(', ')}] (PyTorch layout)`);
    }
    used.add(key);
    return t;
  };
  const values: Float32Array[] = [];
  parametric.forEach((layer, i) => {
    const name = options.layerNames[i]!;
    const kernel = resolved.parameters.find((p) => p.layerIndex === layer.index && p.role === 'kernel')!;
    if (layer.spec.type === 'conv2d') {
      const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
      values.push(oihwToHwio(take(`${name}.weight`, [cout, cin, kh, kw]).values, cout, cin, kh, kw));
    } else {
      const [fanIn, units] = kernel.shape as [number, number];
      values.push(denseKernel(take(`${name}.weight`, [units, fanIn]).values, units, fanIn, layer));
    }
    if ((layer.spec as Conv2dLayer | DenseLayer).useBias !== false) values.push(take(`${name}.bias`, [kernel.shape[kernel.shape.length - 1]!]).values.slice());
  });
  const unused = [...tensors.keys()].filter((k) => !used.has(k));
  if ((options.strict ?? true) && unused.length > 0) {
    throw new Error(`${source}: tensors not used by any layer: ${unused.join(', ')} (pass strict: false to ignore them)`);
  }
  return new SequentialClassifier(spec, values);
}

/** (out, in, kh, kw) → (kh, kw, in, out). */
export function oihwToHwio(w: Float32Array, cout: number, cin: number, kh: number, kw: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let o = 0; o < cout; o++)
    for (let c = 0; c < cin; c++)
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * cin + c) * cout + o] = w[((o * cin + c) * kh + y) * kw + x]!;
  return out;
}

/** (out, in) → (in, out), with rows reordered from (c, h, w) to (h, w, c) after a flattened conv output. */
function denseKernel(w: Float32Array, units: number, fanIn: number, layer: ResolvedLayer): Float32Array {
  const out = new Float32Array(w.length);
  const order = pytorchRowOrder(layer, fanIn);
  for (let row = 0; row < fanIn; row++) for (let u = 0; u < units; u++) out[row * units + u] = w[u * fanIn + order[row]!]!;
  return out;
}
