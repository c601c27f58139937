import type { Conv2dLayer, LayerSpec, ModelSpec } from './layer-spec.js';

/** A parameter tensor of the model: where it lives and its (tfjs-layout) shape. */
export interface ParameterInfo {
  /** `layers.<index>.kernel` or `layers.<index>.bias`. */
  readonly name: string;
  readonly layerIndex: number;
  readonly role: 'kernel' | 'bias';
  readonly shape: readonly number[];
  /** Inputs feeding one output unit: kh·kw·in for conv, in for dense. */
  readonly fanIn: number;
  readonly fanOut: number;
}

/** A layer with its input and output shapes worked out. */
export interface ResolvedLayer {
  readonly index: number;
  readonly spec: LayerSpec;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** For conv2d: explicit [top, bottom, left, right] or tfjs's named padding. */
  readonly padding?: 'valid' | 'same' | readonly [number, number, number, number];
  readonly strides?: readonly [number, number];
  /** For a dense layer fed by a flatten of [h, w, c]: that shape (the PyTorch import permutes its rows). */
  readonly flattenedFrom?: readonly number[];
}

/** Shapes of every layer and parameter of a spec, validated. */
export interface ResolvedSpec {
  readonly layers: readonly ResolvedLayer[];
  readonly parameters: readonly ParameterInfo[];
  readonly parameterCount: number;
  readonly numClasses: number;
}

/** An impossible model: names the layer and what does not fit. */
export class ModelSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelSpecError';
  }
}

function positiveInt(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ModelSpecError(`${what} must be a positive integer, got ${String(value)}`);
  return value;
}

function pair(value: number | readonly [number, number], what: string): [number, number] {
  const [a, b] = typeof value === 'number' ? [value, value] : value;
  return [positiveInt(a, what), positiveInt(b, what)];
}

function explicitPadding(padding: Conv2dLayer['padding'], where: string): 'valid' | 'same' | [number, number, number, number] {
  if (padding === undefined || padding === 'valid' || padding === 'same') return padding ?? 'valid';
  const sides = typeof padding === 'number' ? [padding, padding, padding, padding] : [...padding];
  if (sides.length !== 4 || sides.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ModelSpecError(`${where}: padding must be 'valid', 'same', a non-negative integer or [top, bottom, left, right], got ${JSON.stringify(padding)}`);
  }
  return sides as [number, number, number, number];
}

/** Works out every shape of `spec`, or throws a `ModelSpecError` naming the layer that does not fit. */
export function resolveSpec(spec: ModelSpec): ResolvedSpec {
  if (!Array.isArray(spec.inputShape) || spec.inputShape.length === 0) throw new ModelSpecError('inputShape must be a non-empty array');
  spec.inputShape.forEach((d, i) => positiveInt(d, `inputShape[${i}]`));
  if (!Array.isArray(spec.layers) || spec.layers.length === 0) throw new ModelSpecError('a model needs at least one layer');
  let shape: readonly number[] = [...spec.inputShape];
  let flattenedFrom: readonly number[] | undefined;
  const layers: ResolvedLayer[] = [];
  const parameters: ParameterInfo[] = [];
  spec.layers.forEach((layer, index) => {
    const where = `layer ${index} (${layer?.type})`;
    const inputShape = shape;
    switch (layer?.type) {
      case 'dense': {
        const units = positiveInt(layer.units, `${where}: units`);
        if (shape.length !== 1) throw new ModelSpecError(`${where} needs a flat input, got [${shape.join(', ')}]; add a flatten layer first`);
        const fanIn = shape[0]!;
        parameters.push({ name: `layers.${index}.kernel`, layerIndex: index, role: 'kernel', shape: [fanIn, units], fanIn, fanOut: units });
        if (layer.useBias !== false) parameters.push({ name: `layers.${index}.bias`, layerIndex: index, role: 'bias', shape: [units], fanIn, fanOut: units });
        shape = [units];
        layers.push({ index, spec: layer, inputShape, outputShape: shape, ...(flattenedFrom ? { flattenedFrom } : {}) });
        flattenedFrom = undefined;
        return;
      }
      case 'conv2d': {
        if (shape.length !== 3) throw new ModelSpecError(`${where} needs an [height, width, channels] input, got [${shape.join(', ')}]`);
        const filters = positiveInt(layer.filters, `${where}: filters`);
        const [kh, kw] = pair(layer.kernelSize, `${where}: kernelSize`);
        const strides = pair(layer.strides ?? 1, `${where}: strides`);
        const padding = explicitPadding(layer.padding, where);
        const [h, w, c] = shape as [number, number, number];
        let outH: number;
        let outW: number;
        if (padding === 'same') {
          outH = Math.ceil(h / strides[0]);
          outW = Math.ceil(w / strides[1]);
        } else {
          const [top, bottom, left, right] = padding === 'valid' ? [0, 0, 0, 0] : padding;
          outH = Math.floor((h + top + bottom - kh) / strides[0]) + 1;
          outW = Math.floor((w + left + right - kw) / strides[1]) + 1;
        }
        if (outH <= 0 || outW <= 0) throw new ModelSpecError(`${where}: a ${kh}×${kw} kernel does not fit the padded ${h}×${w} input`);
        const fanIn = kh * kw * c;
        parameters.push({ name: `layers.${index}.kernel`, layerIndex: index, role: 'kernel', shape: [kh, kw, c, filters], fanIn, fanOut: kh * kw * filters });
        if (layer.useBias !== false) parameters.push({ name: `layers.${index}.bias`, layerIndex: index, role: 'bias', shape: [filters], fanIn, fanOut: kh * kw * filters });
        shape = [outH, outW, filters];
        layers.push({ index, spec: layer, inputShape, outputShape: shape, padding, strides });
        flattenedFrom = undefined;
        return;
      }
      case 'relu':
        layers.push({ index, spec: layer, inputShape, outputShape: shape });
        return;
      case 'flatten':
        if (shape.length > 1) flattenedFrom = shape;
        shape = [shape.reduce((a, b) => a * b, 1)];
        layers.push({ index, spec: layer, inputShape, outputShape: shape });
        return;
      default:
        throw new ModelSpecError(`${where}: unknown layer type; known: dense, conv2d, relu, flatten`);
    }
  });
  if (shape.length !== 1) throw new ModelSpecError(`the last layer must output logits [numClasses], got [${shape.join(', ')}]`);
  const parameterCount = parameters.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
  return { layers, parameters, parameterCount, numClasses: shape[0]! };
}
