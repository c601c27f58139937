import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentNetwork, augmentPotential } from './augmented-potential.js';
import { disposeNetworkParameters } from './dense-mlp.js';
import { fenchelYoungIdentity, fenchelYoungRelu } from './fenchel-young.js';
import type { LayerPotential } from './layer-potential.js';
import { leastSquaresRelu } from './least-squares.js';
import { finiteDifferenceGradient, relativeError } from './test-support/finite-differences.js';
import { smallNetwork } from './test-support/small-network.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const shape: [number, number] = [3, 5];

/** max over units of |min(z − lower, g)|: zero iff g = 0 inside z > lower and g ≥ 0 on the bound (KKT for z ≥ lower). */
function kktResidual(z: tf.Tensor2D, gradient: tf.Tensor2D, bounded: boolean): number {
  return tf.tidy(() => tf.max(tf.abs(bounded ? tf.minimum(z, gradient) : gradient)).dataSync()[0]!);
}

describe.each([
  ['FY relu', fenchelYoungRelu, true],
  ['FY identity', fenchelYoungIdentity, false],
  ['LS relu', leastSquaresRelu, true],
] as [string, () => LayerPotential, boolean][])('%s with an added quadratic', (name, make, bounded) => {
  const random = new Random(`augmented ${name}`);

  it('has an activity gradient that matches finite differences of its energy', () => {
    const a = random.normalTensor(shape) as tf.Tensor2D;
    const z = random.uniformTensor(shape, 0.2, 1.5) as tf.Tensor2D;
    const linear = random.normalTensor(shape) as tf.Tensor2D;
    const center = random.normalTensor(shape) as tf.Tensor2D;
    const potential = augmentPotential(make(), { linear, proximal: 0.7, center });
    const explicit = assertNoLeaks(() => potential.activityGradient(z, a));
    const fd = finiteDifferenceGradient((v) => tf.sum(potential.energy(v as tf.Tensor2D, a)) as tf.Scalar, z);
    expect(relativeError(explicit.dataSync(), fd)).toBeLessThan(1e-2);
    // The added terms are exactly the quadratic: E' − E = ⟨l, z − c⟩ + (μ/2)‖z − c‖².
    const difference = tf.tidy(() => tf.sub(potential.energy(z, a), make().energy(z, a)).dataSync());
    const expected = tf.tidy(() =>
      tf.add(tf.sum(tf.mul(linear, tf.sub(z, center)), 1), tf.mul(tf.sum(tf.square(tf.sub(z, center)), 1), 0.35)).dataSync(),
    );
    expect(relativeError(difference, expected)).toBeLessThan(1e-5);
    tf.dispose([a, z, linear, center, explicit]);
  });

  it('minimizes its activity problems exactly (KKT), also with a negative proximal weight', () => {
    const a = random.normalTensor(shape) as tf.Tensor2D;
    const anchor = random.normalTensor(shape) as tf.Tensor2D;
    const tilt = random.normalTensor(shape, 0, 0.5) as tf.Tensor2D;
    const linear = random.normalTensor(shape) as tf.Tensor2D;
    const center = random.normalTensor(shape) as tf.Tensor2D;
    const potential = augmentPotential(make(), { linear: tilt, proximal: 0.6, center: anchor });
    const problems = [
      { preActivation: a, weight: 1.3, linear, proximal: 0.4, center },
      { preActivation: a, weight: 1.3, linear, proximal: -0.9, center }, // the adversarial output update's −β
      { preActivation: a, weight: 0.8 },
    ];
    for (const problem of problems) {
      const z = assertNoLeaks(() => potential.minimizeActivity(problem));
      const gradient = tf.tidy(() => {
        let g = tf.mul(potential.activityGradient(z, a), problem.weight);
        if (problem.linear !== undefined) g = tf.add(g, problem.linear);
        if (problem.proximal !== undefined) g = tf.add(g, tf.mul(tf.sub(z, problem.center!), problem.proximal));
        return g as tf.Tensor2D;
      });
      expect(kktResidual(z, gradient, bounded)).toBeLessThan(1e-5);
      tf.dispose([z, gradient]);
    }
    const activated = potential.activate(a);
    const gradient = potential.activityGradient(activated, a);
    expect(kktResidual(activated, gradient, bounded)).toBeLessThan(1e-5);
    tf.dispose([a, anchor, tilt, linear, center, activated, gradient]);
  });
});

describe('augmentNetwork', () => {
  it('augments the layers it is given a quadratic for and shares the maps', () => {
    const random = new Random('augment network');
    const network = smallNetwork(random, [4, 3, 2], 'fenchel-young');
    const anchor = random.normalTensor([2, 3]) as tf.Tensor2D;
    const augmented = augmentNetwork(network, [{ proximal: 2, center: anchor }, undefined]);
    expect(augmented.layers[0]!.map).toBe(network.layers[0]!.map);
    expect(augmented.layers[0]!.potential.name).toBe('fenchel-young(relu)+quadratic');
    expect(augmented.layers[1]).toBe(network.layers[1]);
    expect(() => augmentNetwork(network, [undefined])).toThrow(/one entry per layer \(2\)/);
    expect(() => augmentPotential(fenchelYoungRelu(), { proximal: -1 })).toThrow(/proximal weight ≥ 0/);
    anchor.dispose();
    disposeNetworkParameters(network);
  });
});
