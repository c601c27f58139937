import * as tf from '@tensorflow/tfjs-core';
import { applyGradientOverrides, assertInputShape, type Classifier } from '@liftguard/tensor';
import { withInputSpace, type InputSpace } from './input-space.js';
import { compileForward } from './layers-forward.js';
import { logitsHead, type LogitsHead } from './logits-head.js';

/** A symbolic tensor of a tfjs-layers graph: its name (for `execute`) and shape. */
export interface SymbolicTensorLike {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

/** A tfjs-layers variable: `read()` gives the tf.Variable the model computes with. */
export interface LayerVariableLike {
  readonly name: string;
  readonly originalName: string;
  readonly shape: readonly (number | null)[];
  read(): tf.Tensor;
}

/** The parts of a tfjs-layers Layer the wrapper reads. */
export interface LayerLike {
  readonly name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  readonly input: SymbolicTensorLike | SymbolicTensorLike[];
  readonly output: SymbolicTensorLike | SymbolicTensorLike[];
  readonly trainableWeights: readonly LayerVariableLike[];
  /** All weights, trainable or not (batch norm's moving statistics); tfjs-layers has it. */
  readonly weights?: readonly LayerVariableLike[];
  /** Runs the layer on concrete tensors (tfjs-layers' `apply`). */
  apply?(inputs: tf.Tensor | tf.Tensor[], kwargs?: { training?: boolean }): unknown;
}

/** The parts of a tfjs-layers `LayersModel` the wrapper uses (so this package does not depend on tfjs-layers). */
export interface LayersModelLike {
  readonly inputs: readonly SymbolicTensorLike[];
  readonly outputs: readonly SymbolicTensorLike[];
  readonly layers: readonly LayerLike[];
  readonly trainableWeights: readonly LayerVariableLike[];
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): unknown;
  /** tfjs-layers models have it ('Functional', 'Sequential'); an object without it is run only through `execute`. */
  getClassName?(): string;
  /** Runs the graph up to internal tensors (inference mode). */
  execute(inputs: tf.Tensor, outputs: string): tf.Tensor | tf.Tensor[];
}

export interface LayersModelClassifierOptions extends InputSpace {
  /**
   * The layer whose output (or, when it ends in softmax/sigmoid, whose pre-activation) are the
   * logits. Default: the model's output layer, looking through a final softmax/sigmoid.
   */
  logitsLayer?: string;
  /**
   * Run the graph as LiftGuard's op-level forward (`compileForward`: conv → batch norm →
   * relu/relu6 as one fused kernel whose input gradient skips the filter gradient); default
   * true. False runs tfjs-layers' own `execute` (the reference the fused path is tested against).
   */
  fuse?: boolean;
}

/** A LayersModel wrapped as a Classifier, with what the wrapper found (for reports and `inspect`). */
export interface LayersModelClassifier extends Classifier {
  readonly model: LayersModelLike;
  /** How the logits are taken from the model. */
  readonly logits: LogitsHead['description'];
}

export class LayersModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LayersModelError';
  }
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'batch').join(', ')}]`;

/**
 * A tfjs `LayersModel` (Sequential or functional) as a `Classifier` returning logits. A final
 * softmax or sigmoid (as the activation of the last Dense/Conv2D, or a separate Softmax /
 * Activation layer) is looked through: the logits are its pre-activation, so probabilities are
 * never attacked. `logitsLayer` names another layer; `range` / `mean` / `std` put the inputs in
 * the caller's pixel units (see `withInputSpace`). Runs in inference mode (dropout off, batch
 * norm with its moving statistics); the trainable variables are the model's own.
 */
export function layersModelClassifier(model: LayersModelLike, options: LayersModelClassifierOptions = {}): LayersModelClassifier {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new LayersModelError(`a Classifier has one input and one output; the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const inputShape = model.inputs[0]!.shape.slice(1);
  if (inputShape.some((d) => d === null)) {
    throw new LayersModelError(`the model's input shape ${shapeText(model.inputs[0]!.shape)} must be fixed apart from the batch: build it with a fixed inputShape`);
  }
  // tfjs-layers may have been imported after initBackend, replacing LiftGuard's gradients.
  applyGradientOverrides();
  const { logitsLayer, fuse = true, ...space } = options;
  const head = logitsHead(model, logitsLayer);
  const execute = (x: tf.Tensor) => model.execute(x, head.tensorName) as tf.Tensor;
  // Only a tfjs-layers model is walked layer by layer; another implementation's execute is its contract.
  const isLayersModel = typeof model.getClassName === 'function';
  const forward = (fuse && isLayersModel ? compileForward(model, head.tensorName) : null) ?? execute;
  const inner: Classifier = {
    inputShape: inputShape as number[],
    numClasses: head.numClasses,
    trainableVariables: model.trainableWeights.map((w) => w.read() as tf.Variable),
    predict(x: tf.Tensor): tf.Tensor2D {
      // tfjs-layers leaves intermediate activations alive when applied eagerly.
      assertInputShape(x, inputShape as number[]);
      return tf.tidy(() => head.logits(forward(x)));
    },
  };
  const classifier = withInputSpace(inner, space);
  assertLogitsOutput(classifier);
  return Object.assign(classifier, { model, logits: head.description });
}

/**
 * One forward pass on a mid-range example: the logits must be finite (NaN/Inf weights or a
 * broken normalization show here) and must not look like probabilities (rows in [0, 1]
 * summing to 1), which a custom head could still produce.
 */
export function assertLogitsOutput(classifier: Classifier): void {
  const [low, high] = classifier.inputRange ?? [0, 1];
  const values = Float32Array.from(tf.tidy(() => classifier.predict(tf.fill([2, ...classifier.inputShape], (low + high) / 2)).dataSync()));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new LayersModelError(`the model outputs ${values[bad]} on a mid-range input: check its weights (NaN/Inf) and the declared input range / mean / std`);
  const k = classifier.numClasses;
  const row = values.subarray(0, k);
  const sum = row.reduce((a, v) => a + v, 0);
  if (k > 1 && row.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-4) {
    throw new LayersModelError('the outputs look like probabilities (in [0, 1], summing to 1): a Classifier must return logits; pass logitsLayer: the name of the layer before the softmax');
  }
}
