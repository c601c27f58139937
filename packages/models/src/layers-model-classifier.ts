import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';

/** The parts of a tfjs-layers `LayersModel` the wrapper uses (so this package does not depend on tfjs-layers). */
export interface LayersModelLike {
  readonly inputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly outputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly trainableWeights: readonly { read(): tf.Tensor }[];
  readonly layers: readonly { getConfig(): { activation?: unknown } }[];
  apply(inputs: tf.Tensor, kwargs?: { training?: boolean }): unknown;
}

/**
 * A tfjs `LayersModel` as a `Classifier`. The model must output logits (no final softmax:
 * attacks and losses need them) and have one input and one [batch, classes] output.
 */
export function layersModelClassifier(model: LayersModelLike): Classifier {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(`a Classifier has one input and one output; the model has ${model.inputs.length} and ${model.outputs.length}`);
  }
  const inputShape = model.inputs[0]!.shape.slice(1);
  const outputShape = model.outputs[0]!.shape;
  if (inputShape.some((d) => d === null)) throw new Error(`the model's input shape [${model.inputs[0]!.shape.join(', ')}] must be fixed apart from the batch`);
  if (outputShape.length !== 2 || outputShape[1] === null) throw new Error(`the model must output [batch, classes], got [${outputShape.join(', ')}]`);
  const last = model.layers[model.layers.length - 1];
  if (last?.getConfig().activation === 'softmax') {
    throw new Error("the model ends in a softmax; a Classifier returns logits: build the last layer with activation 'linear'");
  }
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    inputShape: inputShape as number[],
    numClasses: outputShape[1]!,
    trainableVariables: variables,
    predict(x: tf.Tensor): tf.Tensor2D {
      // tfjs-layers leaves intermediate activations alive when applied eagerly.
      return tf.tidy(() => model.apply(x, { training: false }) as tf.Tensor2D);
    },
  };
}
