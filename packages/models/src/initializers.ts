import { Random, type Seed } from '@liftguard/tensor';
import type { ParameterInfo } from './resolve-spec.js';

/**
 * How parameters start:
 * - `pytorch`: PyTorch's default for nn.Linear / nn.Conv2d, weights and biases ~ U(±1/√fanIn);
 * - `he-normal`: weights ~ N(0, 2/fanIn), zero biases;
 * - `glorot-uniform`: weights ~ U(±√(6/(fanIn+fanOut))), zero biases (tfjs-layers' default);
 * - `lifted`: the lifted-network MLP (LIFTED.md §4): weights ~ N(0,1)/√fanIn — N(0,1)/28 for
 *   784 inputs, N(0,1)/√n_hidden after a hidden layer — and zero biases.
 */
export type Initialization = 'pytorch' | 'he-normal' | 'glorot-uniform' | 'lifted';

export const initializations: readonly Initialization[] = ['pytorch', 'he-normal', 'glorot-uniform', 'lifted'];

/** Initial values of one parameter, drawn from its own stream (`seed` forked by the parameter name). */
export function initialValues(parameter: ParameterInfo, initialization: Initialization, seed: Seed): Float32Array {
  const size = parameter.shape.reduce((a, b) => a * b, 1);
  const random = new Random(seed).fork(parameter.name);
  const { fanIn, fanOut } = parameter;
  switch (initialization) {
    case 'pytorch': {
      const bound = 1 / Math.sqrt(fanIn);
      return random.uniformArray(size, -bound, bound);
    }
    case 'he-normal':
      return parameter.role === 'bias' ? new Float32Array(size) : random.normalArray(size, 0, Math.sqrt(2 / fanIn));
    case 'glorot-uniform': {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      return parameter.role === 'bias' ? new Float32Array(size) : random.uniformArray(size, -bound, bound);
    }
    case 'lifted':
      return parameter.role === 'bias' ? new Float32Array(size) : random.normalArray(size, 0, 1 / Math.sqrt(fanIn));
    default:
      throw new Error(`unknown initialization '${String(initialization)}'; known: ${initializations.join(', ')}`);
  }
}
