import * as tf from '@tensorflow/tfjs-core';
import { getGradient } from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { initialValues, type Initialization } from './initializers.js';
import type { ModelSpec } from './layer-spec.js';
import { resolveSpec, type ParameterInfo, type ResolvedLayer, type ResolvedSpec } from './resolve-spec.js';

export interface CreateOptions {
  initialization?: Initialization;
  seed?: number | string;
}

/**
 * A `Classifier` built from a `ModelSpec`. Its trainable variables are the parameters in
 * layer order, kernel before bias (`parameters` names them and gives their shapes).
 */
export class SequentialClassifier implements Classifier {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly trainableVariables: readonly tf.Variable[];
  readonly parameters: readonly ParameterInfo[];
  readonly parameterCount: number;
  private readonly resolved: ResolvedSpec;
  private readonly byName: Map<string, tf.Variable>;

  /** Builds the model with the given parameter values (tfjs layout, in `resolveSpec(spec).parameters` order). */
  constructor(
    readonly spec: ModelSpec,
    values: readonly Float32Array[],
  ) {
    this.resolved = resolveSpec(spec);
    const { parameters } = this.resolved;
    if (values.length !== parameters.length) throw new Error(`the spec has ${parameters.length} parameter tensors, got ${values.length} value arrays`);
    parameters.forEach((p, i) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (values[i]!.length !== size) throw new Error(`${p.name}: shape [${p.shape.join(', ')}] needs ${size} values, got ${values[i]!.length}`);
      if (!values[i]!.every(Number.isFinite)) throw new Error(`${p.name}: values must be finite (found NaN or ±Infinity)`);
    });
    this.inputShape = [...spec.inputShape];
    this.numClasses = this.resolved.numClasses;
    this.parameters = parameters;
    this.parameterCount = this.resolved.parameterCount;
    // tf.variable shares the initial tensor's buffer; tidy frees the initial tensor handle.
    this.trainableVariables = tf.tidy(() => parameters.map((p, i) => tf.variable(tf.tensor(values[i]!, [...p.shape], 'float32'), true)));
    this.byName = new Map(parameters.map((p, i) => [p.name, this.trainableVariables[i]!]));
  }

  /** A freshly initialized model (default: PyTorch's initialization, seed 0). */
  static create(spec: ModelSpec, { initialization = 'pytorch', seed = 0 }: CreateOptions = {}): SequentialClassifier {
    const { parameters } = resolveSpec(spec);
    return new SequentialClassifier(
      spec,
      parameters.map((p) => initialValues(p, initialization, seed)),
    );
  }

  predict(x: tf.Tensor): tf.Tensor2D {
    const expected = [x.shape[0], ...this.inputShape];
    if (x.rank !== expected.length || this.inputShape.some((d, i) => x.shape[i + 1] !== d)) {
      throw new Error(`predict expects input of shape [batch, ${this.inputShape.join(', ')}], got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      let h: tf.Tensor = x;
      const layers = this.resolved.layers;
      for (let i = 0; i < layers.length; i++) {
        const layer = layers[i]!;
        // A ReLU right after a dense or conv layer is fused into it (one kernel on wasm).
        const fuseRelu = layers[i + 1]?.spec.type === 'relu' && (layer.spec.type === 'dense' || layer.spec.type === 'conv2d');
        h = this.apply(layer, h, fuseRelu);
        if (fuseRelu) i++;
      }
      return h as tf.Tensor2D;
    });
  }

  /** Current parameter values, in `parameters` order (copies). */
  parameterValues(): Float32Array[] {
    return this.trainableVariables.map((v) => v.dataSync().slice() as Float32Array);
  }

  /** Overwrites every parameter (same order and sizes as `parameterValues`). */
  setParameterValues(values: readonly Float32Array[]): void {
    if (values.length !== this.parameters.length) throw new Error(`expected ${this.parameters.length} value arrays, got ${values.length}`);
    this.parameters.forEach((p, i) => {
      const size = p.shape.reduce((a, b) => a * b, 1);
      if (values[i]!.length !== size) throw new Error(`${p.name}: shape [${p.shape.join(', ')}] needs ${size} values, got ${values[i]!.length}`);
    });
    tf.tidy(() => this.trainableVariables.forEach((v, i) => v.assign(tf.tensor(values[i]!, v.shape, 'float32'))));
  }

  /** Frees the variables. */
  dispose(): void {
    for (const v of this.trainableVariables) v.dispose();
  }

  private apply(layer: ResolvedLayer, h: tf.Tensor, relu: boolean): tf.Tensor {
    const spec = layer.spec;
    const kernel = this.byName.get(`layers.${layer.index}.kernel`);
    const bias = this.byName.get(`layers.${layer.index}.bias`);
    const activation = relu ? 'relu' : 'linear';
    switch (spec.type) {
      case 'dense':
        return tf.fused.matMul({ a: h as tf.Tensor2D, b: kernel as tf.Tensor2D, ...(bias ? { bias } : {}), activation });
      case 'conv2d': {
        const pad = layer.padding!;
        const tfPad = typeof pad === 'string' ? pad : ([[0, 0], [pad[0], pad[1]], [pad[2], pad[3]], [0, 0]] as tf.backend_util.ExplicitPadding);
        const strides = [...layer.strides!] as [number, number];
        // tf.fused.conv2d splits into conv + add + relu whenever a gradient is taken; the kernel
        // itself, with @liftguard/tensor's lazy gradient, stays one kernel (and an input gradient
        // never computes filter gradients).
        if (getGradient('FusedConv2D') != null) {
          const inputs = bias ? { x: h, filter: kernel!, bias } : { x: h, filter: kernel! };
          const attrs = { strides, pad: tfPad, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined, activation };
          return tf.engine().runKernel('FusedConv2D', inputs as unknown as tf.NamedTensorMap, attrs as never) as tf.Tensor;
        }
        return tf.fused.conv2d({ x: h as tf.Tensor4D, filter: kernel as tf.Tensor4D, strides, pad: tfPad, ...(bias ? { bias } : {}), activation });
      }
      case 'relu':
        return tf.relu(h);
      case 'flatten':
        return tf.reshape(h, [h.shape[0]!, layer.outputShape[0]!]);
    }
  }
}
