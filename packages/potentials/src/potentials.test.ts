import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fenchelYoungClippedRelu, fenchelYoungIdentity, fenchelYoungRelu } from './fenchel-young.js';
import type { LayerPotential } from './layer-potential.js';
import { leastSquaresIdentity, leastSquaresRelu } from './least-squares.js';
import { finiteDifferenceGradient, relativeError } from './test-support/finite-differences.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const ceiling = 1.5;
const cases: [string, () => LayerPotential, (x: tf.Tensor2D) => tf.Tensor2D][] = [
  ['FY relu', fenchelYoungRelu, (x) => tf.relu(x)],
  ['FY identity', fenchelYoungIdentity, (x) => x.clone()],
  ['FY clipped relu', () => fenchelYoungClippedRelu(ceiling), (x) => tf.clipByValue(x, 0, ceiling)],
  ['LS relu', leastSquaresRelu, (x) => tf.relu(x)],
  ['LS identity', leastSquaresIdentity, (x) => x.clone()],
];

// Pre-activations kept away from the kinks at 0 and at the ceiling, so FD steps of 1e-2 stay on one side.
function preActivationsAwayFromKinks(random: Random, shape: [number, number]): tf.Tensor2D {
  const values = random.normalArray(shape[0] * shape[1], 0, 1.2).map((v) => {
    const away = Math.sign(v || 1) * Math.max(Math.abs(v), 0.1);
    return Math.abs(away - ceiling) < 0.1 ? ceiling + 0.2 : away;
  });
  return tf.tensor2d(values, shape);
}

describe.each(cases)('%s potential', (_name, make, project) => {
  const potential = make();
  const random = new Random(`potential ${_name}`);
  const shape: [number, number] = [3, 5];

  it('has gradients in z and a that match central finite differences and tfjs autograd', () => {
    const a = preActivationsAwayFromKinks(random, shape);
    const z = tf.tidy(() => project(random.normalTensor(shape) as tf.Tensor2D));
    const rowWeights = tf.tensor1d([0.5, 1, 2]);
    const weighted = (activities: tf.Tensor, pre: tf.Tensor) =>
      tf.sum(tf.mul(potential.energy(activities as tf.Tensor2D, pre as tf.Tensor2D), rowWeights)) as tf.Scalar;

    const [explicitZ, explicitA] = assertNoLeaks(() =>
      tf.tidy(() => {
        const column = tf.reshape(rowWeights, [3, 1]);
        return [
          tf.mul(potential.activityGradient(z, a), column).dataSync(),
          tf.mul(potential.preActivationGradient(z, a), column).dataSync(),
        ];
      }),
    );
    const fdZ = finiteDifferenceGradient((v) => weighted(v, a), z);
    const fdA = finiteDifferenceGradient((v) => weighted(z, v), a);
    expect(relativeError(explicitZ!, fdZ)).toBeLessThan(1e-2);
    expect(relativeError(explicitA!, fdA)).toBeLessThan(1e-2);

    const [autoZ, autoA] = tf.tidy(() => tf.grads((v: tf.Tensor, w: tf.Tensor) => weighted(v, w))([z, a]).map((g) => g.dataSync()));
    expect(relativeError(autoZ!, explicitZ!)).toBeLessThan(1e-5);
    expect(relativeError(autoA!, explicitA!)).toBeLessThan(1e-5);
    tf.dispose([a, z, rowWeights]);
  });

  it('is non-negative on its domain, and activate(a) minimizes it', () => {
    const a = random.normalTensor(shape, 0, 2) as tf.Tensor2D;
    const z = tf.tidy(() => project(random.normalTensor(shape, 0, 2) as tf.Tensor2D));
    const [atRandom, atActivation, activated] = assertNoLeaks(() =>
      tf.tidy(() => {
        const best = potential.activate(a);
        return [potential.energy(z, a).dataSync(), potential.energy(best, a).dataSync(), best.dataSync()];
      }),
    );
    const expectedActivation = tf.tidy(() => project(a).dataSync());
    expect(relativeError(activated!, expectedActivation)).toBe(0);
    for (let i = 0; i < shape[0]; i++) {
      expect(atRandom![i]).toBeGreaterThanOrEqual(-1e-6);
      expect(atRandom![i]).toBeGreaterThanOrEqual(atActivation![i]! - 1e-6);
      if (potential.name.startsWith('fenchel-young')) expect(atActivation![i]).toBe(0);
    }
    tf.dispose([a, z]);
  });

  it('minimizes the per-layer subproblem exactly (KKT conditions on the domain)', () => {
    const weight = 0.7;
    const proximal = 1.9;
    const a = random.normalTensor(shape, 0, 2) as tf.Tensor2D;
    const linear = random.normalTensor(shape, 0, 2) as tf.Tensor2D;
    const center = random.normalTensor(shape, 0, 2) as tf.Tensor2D;
    const z = assertNoLeaks(() => potential.minimizeActivity({ preActivation: a, weight, linear, proximal, center }));
    // Stationarity residual of weight·E + ⟨l, z − c⟩ + (μ/2)‖z − c‖² with ∂E/∂z = z − a.
    const residual = tf.tidy(() =>
      tf.add(tf.add(tf.mul(potential.activityGradient(z, a), weight), linear), tf.mul(tf.sub(z, center), proximal)).dataSync(),
    );
    const values = z.dataSync();
    const upper = potential.name.includes('clipped') ? ceiling : Infinity;
    const lower = potential.name.includes('identity') ? -Infinity : 0;
    values.forEach((v, i) => {
      const r = residual[i]!;
      expect(v).toBeGreaterThanOrEqual(lower);
      expect(v).toBeLessThanOrEqual(upper);
      if (v === lower) expect(r).toBeGreaterThanOrEqual(-1e-5);
      else if (v === upper) expect(r).toBeLessThanOrEqual(1e-5);
      else expect(Math.abs(r)).toBeLessThan(1e-5);
    });
    tf.dispose([a, linear, center, z]);
  });

  it('refuses a subproblem that is not strictly convex', () => {
    const a = tf.zeros([1, 2]) as tf.Tensor2D;
    expect(() => potential.minimizeActivity({ preActivation: a, weight: 1, proximal: -1, center: a })).toThrow(/not strictly convex/);
    a.dispose();
  });
});

describe('clipped ReLU', () => {
  it('needs a positive finite ceiling', () => {
    expect(() => fenchelYoungClippedRelu(0)).toThrow(/ceiling/);
    expect(() => fenchelYoungClippedRelu(Number.NaN)).toThrow(/ceiling/);
  });
});
