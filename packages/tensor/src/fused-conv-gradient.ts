import * as tf from '@tensorflow/tfjs-core';
import { getGradient, type FusedConv2DAttrs, type GradConfig } from '@tensorflow/tfjs-core';

type NamedGradientMap = Record<string, () => tf.Tensor>;

/**
 * Σ over batch and positions of an NHWC tensor, per channel, as ones·dy: a Sum over the outer
 * axes transposes the whole tensor first on wasm (18 % of a CNNLight training step's kernel time).
 */
function channelSums(dy: tf.Tensor4D): tf.Tensor1D {
  const channels = dy.shape[3];
  const rows = dy.size / Math.max(channels, 1);
  return tf.reshape(tf.matMul(tf.ones([1, rows]), tf.reshape(dy, [rows, channels])), [channels]);
}

/**
 * Lazy gradients of the FusedConv2D and FusedDepthwiseConv2D kernels (conv + bias + linear,
 * relu or relu6), for code that runs those kernels directly (`tf.engine().runKernel`).
 * tfjs-core's `fused.conv2d` wraps the kernel in a customGrad that computes dx, dfilter and
 * dbias eagerly even when the tape needs dx alone (an attack's input gradient); here each is a
 * thunk the tape calls only for inputs on the path. Built on tfjs-core's own Conv2D /
 * DepthwiseConv2dNative gradients, so the backprop kernels are the backend's (or LiftGuard's).
 */
function fusedGradient(kernelName: 'FusedConv2D' | 'FusedDepthwiseConv2D', plainKernel: 'Conv2D' | 'DepthwiseConv2dNative'): GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const { activation, dataFormat } = attrs as unknown as FusedConv2DAttrs;
      if ((dataFormat ?? 'NHWC') !== 'NHWC') throw new Error(`gradient of ${kernelName}: only NHWC is supported, got ${dataFormat}`);
      // dy through the activation, from the saved output (relu: y > 0; relu6: 0 < y < 6).
      const dyT = dy as tf.Tensor4D;
      let dyLinear: () => tf.Tensor4D;
      if (activation === undefined || activation === 'linear') dyLinear = () => dyT;
      else if (activation === 'relu') dyLinear = () => tf.mul(dyT, tf.step(y));
      else if (activation === 'relu6') dyLinear = () => tf.mul(dyT, tf.step(tf.mul(y, tf.sub(6, y))));
      else throw new Error(`gradient of ${kernelName}: activation '${activation}' is not supported (linear, relu, relu6 are)`);
      // No cache across thunks: the tape runs each in its own tidy, which would dispose it.
      const plain = getGradient(plainKernel);
      if (plain == null) throw new Error(`gradient of ${kernelName}: no gradient registered for ${plainKernel}`);
      const convGrads = () => plain.gradFunc(dyLinear(), [x, filter], attrs as never) as NamedGradientMap;
      return {
        x: () => convGrads().x!(),
        filter: () => convGrads().filter!(),
        bias: () => channelSums(dyLinear()),
      };
    },
  };
}

export const fusedConv2dGradient = fusedGradient('FusedConv2D', 'Conv2D');
export const fusedDepthwiseConv2dGradient = fusedGradient('FusedDepthwiseConv2D', 'DepthwiseConv2dNative');
