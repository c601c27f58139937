import * as tf from '@tensorflow/tfjs-core';
import { gramPowerIterations } from '@liftguard/tensor';
import type { FrozenAdjoint, LinearMap } from './linear-map.js';
import type { SpectralNormEstimate } from './spectral-norm.js';

/**
 * A dense layer a = z·K + b in tfjs layout: kernel K = Wᵀ of shape [in, out], bias [out].
 * The tensors are used as given (not copied or disposed), so tf.Variables stay trainable.
 */
export class DenseMap implements LinearMap {
  readonly kind = 'dense';
  readonly inputSize: number;
  readonly outputSize: number;

  constructor(
    readonly kernel: tf.Tensor2D,
    readonly bias: tf.Tensor1D,
  ) {
    if (kernel.rank !== 2 || bias.rank !== 1 || bias.shape[0] !== kernel.shape[1]) {
      throw new Error(`dense map needs kernel [in, out] and bias [out], got [${kernel.shape}] and [${bias.shape}]`);
    }
    this.inputSize = kernel.shape[0];
    this.outputSize = kernel.shape[1];
  }

  parameters(): Record<string, tf.Tensor> {
    return { kernel: this.kernel, bias: this.bias };
  }

  apply(input: tf.Tensor2D): tf.Tensor2D {
    // One fused kernel instead of matMul + add: per-op overhead dominates small batches.
    return tf.fused.matMul({ a: input, b: this.kernel, bias: this.bias }) as tf.Tensor2D;
  }

  applyLinear(input: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(input, this.kernel);
  }

  adjoint(output: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(output, this.kernel, false, true);
  }

  frozenAdjoint(): FrozenAdjoint {
    // Kᵀ materialized once: a matMul with transposeB costs ~2× a plain one on wasm.
    const transposed = tf.transpose(this.kernel) as tf.Tensor2D;
    return {
      adjoint: (output) => tf.matMul(output, transposed),
      dispose: () => transposed.dispose(),
    };
  }

  powerIterations(start: tf.Tensor2D, iterations: number): SpectralNormEstimate | undefined {
    // One compiled kernel where @liftguard/tensor-blas' loops run: the tensor loop is a dozen small kernels per iteration.
    const compiled = gramPowerIterations(this.kernel, start, iterations);
    if (compiled === null) return undefined;
    const sigma = tf.sqrt(compiled.squared) as tf.Scalar;
    compiled.squared.dispose();
    return { sigma, vector: compiled.vector };
  }

  parameterGradients(input: tf.Tensor2D, outputGradient: tf.Tensor2D): Record<string, tf.Tensor> {
    return {
      kernel: tf.matMul(input, outputGradient, true, false),
      bias: tf.sum(outputGradient, 0),
    };
  }
}

/** A dense map from a kernel [in, out] and a bias [out]. */
export function denseMap(kernel: tf.Tensor2D, bias: tf.Tensor1D): DenseMap {
  return new DenseMap(kernel, bias);
}
