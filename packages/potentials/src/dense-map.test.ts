import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseMap } from './dense-map.js';
import type { LinearMap } from './linear-map.js';
import { relativeError } from './test-support/finite-differences.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** The contract every LinearMap must meet: ⟨L x, y⟩ = ⟨x, Lᵀ y⟩, bias = apply − applyLinear, parameter gradients = autograd. */
function checkLinearMapContract(map: LinearMap, random: Random): void {
  const x = random.normalTensor([3, map.inputSize]) as tf.Tensor2D;
  const y = random.normalTensor([3, map.outputSize]) as tf.Tensor2D;
  const [forward, backward, frozenBackward] = assertNoLeaks(() =>
    tf.tidy(() => {
      const frozen = map.frozenAdjoint?.();
      const values = [
        tf.sum(tf.mul(map.applyLinear(x), y)).dataSync()[0]!,
        tf.sum(tf.mul(x, map.adjoint(y))).dataSync()[0]!,
        frozen === undefined ? Number.NaN : tf.sum(tf.mul(x, frozen.adjoint(y))).dataSync()[0]!,
      ];
      frozen?.dispose();
      return values;
    }),
  );
  expect(Math.abs(forward! - backward!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(forward!)));
  if (map.frozenAdjoint) expect(Math.abs(frozenBackward! - backward!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(backward!)));

  const params = map.parameters();
  const names = Object.keys(params);
  const explicit = assertNoLeaks(() => map.parameterGradients(x, y));
  const auto = tf.tidy(() =>
    tf.grads((...values: tf.Tensor[]) => {
      // Rebuild the pairing ⟨y, apply(x)⟩ with the parameters as differentiable inputs.
      const substituted = denseMap(values[names.indexOf('kernel')] as tf.Tensor2D, values[names.indexOf('bias')] as tf.Tensor1D);
      return tf.sum(tf.mul(substituted.apply(x), y)) as tf.Scalar;
    })(names.map((n) => params[n]!)).map((g) => g.dataSync()),
  );
  names.forEach((n, i) => expect(relativeError(explicit[n]!.dataSync(), auto[i]!)).toBeLessThan(1e-5));
  tf.dispose([x, y, ...Object.values(explicit)]);
}

describe('DenseMap', () => {
  it('meets the LinearMap contract (adjoint, frozen adjoint, parameter gradients)', () => {
    const random = new Random('dense map');
    const kernel = random.normalTensor([6, 4]) as tf.Tensor2D;
    const bias = random.normalTensor([4]) as tf.Tensor1D;
    checkLinearMapContract(denseMap(kernel, bias), random);
    tf.dispose([kernel, bias]);
  });
});
