import * as tf from '@tensorflow/tfjs-core';
import {
  activityGradients,
  denseMlp,
  disposeNetworkParameters,
  fenchelYoungClippedRelu,
  fenchelYoungIdentity,
  forwardPass,
  minimizeIsotropicQuadratic,
  preActivations,
  type ActivationDomain,
  type ActivityProblem,
  type LayerPotential,
  type LiftedNetwork,
} from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveActivities } from './solve-activities.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function maxAbsDifference(a: tf.Tensor[], b: tf.Tensor[]): { difference: number; scale: number } {
  return tf.tidy(() => {
    const difference = Math.max(...a.map((t, i) => tf.max(tf.abs(tf.sub(t, b[i]!))).dataSync()[0]!));
    const scale = Math.max(1, ...b.map((t) => tf.max(tf.abs(t)).dataSync()[0]!));
    return { difference, scale };
  });
}

describe('free state', () => {
  it.each([
    ['ReLU', 1],
    ['ReLU, γ ≠ 1', [0.5, 2, 0.7]],
  ] as const)('of a Fenchel-Young %s MLP is the forward pass', (_name, gamma) => {
    const random = new Random(`free ${_name}`);
    const network = denseMlp([20, 16, 12, 5], { random, scale: 1.5 });
    const x = random.normalTensor([8, 20]) as tf.Tensor2D;
    // Start away from the forward pass so the solver has to find it.
    const initial = network.layers.map((l) => random.uniformTensor([8, l.map.outputSize], 0, 2) as tf.Tensor2D);
    const solution = assertNoLeaks(() => solveActivities(network, x, { gamma, rounds: 3000, tolerance: 1e-7, initial }));
    const forward = forwardPass(network, x);
    const { difference, scale } = maxAbsDifference(solution.activities, forward);
    expect(difference).toBeLessThan(1e-5 * scale);
    expect(solution.trace.monotone).toBe(true);
    expect(solution.trace.rounds.at(-1)!.psi).toBeLessThan(1e-8);

    // From the forward pass itself, one round changes nothing (a fixed point, to float precision).
    const fromForward = assertNoLeaks(() => solveActivities(network, x, { gamma, rounds: 1 }));
    expect(maxAbsDifference(fromForward.activities, forward).difference).toBeLessThan(1e-6 * scale);
    expect(fromForward.trace.rounds[0]!.psi).toBe(0);
    expect(fromForward.trace.rounds[1]!.psi).toBeLessThan(1e-10);
    tf.dispose([x, ...initial, ...solution.activities, ...forward, ...fromForward.activities]);
    disposeNetworkParameters(network);
  });

  it('of a clipped-ReLU Fenchel-Young MLP is its forward pass', () => {
    const random = new Random('free clipped');
    const base = denseMlp([10, 8, 4], { random, scale: 2 });
    const network: LiftedNetwork = {
      inputSize: 10,
      layers: [
        { map: base.layers[0]!.map, potential: fenchelYoungClippedRelu(0.5) },
        { map: base.layers[1]!.map, potential: fenchelYoungIdentity() },
      ],
    };
    const x = random.normalTensor([6, 10]) as tf.Tensor2D;
    const initial = network.layers.map((l) => tf.zeros([6, l.map.outputSize]) as tf.Tensor2D);
    const solution = solveActivities(network, x, { rounds: 300, tolerance: 1e-7, initial });
    const forward = forwardPass(network, x);
    const { difference, scale } = maxAbsDifference(solution.activities, forward);
    expect(difference).toBeLessThan(1e-5 * scale);
    expect(Math.max(...solution.activities[0]!.dataSync())).toBeLessThanOrEqual(0.5);
    tf.dispose([x, ...initial, ...solution.activities, ...forward]);
    disposeNetworkParameters(base);
  });

  it('of a potential defined outside the packages (hard tanh, through the public interface) is its forward pass', () => {
    const hardTanh: ActivationDomain = { name: 'hard-tanh', project: (v) => tf.clipByValue(v, -1, 1) };
    const potential: LayerPotential = {
      name: 'fenchel-young(hard-tanh), user-defined',
      preActivationCurvature: 1,
      energy: (z, a) =>
        tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.squaredDifference(z, a), tf.squaredDifference(hardTanh.project(a), a)), 1), 0.5) as tf.Tensor1D),
      activityGradient: (z, a) => tf.sub(z, a),
      preActivationGradient: (z, a) => tf.tidy(() => tf.sub(hardTanh.project(a), z)),
      activate: (a) => hardTanh.project(a),
      minimizeActivity: (problem: ActivityProblem) => minimizeIsotropicQuadratic(hardTanh, problem),
    };
    const random = new Random('free custom');
    const base = denseMlp([10, 8, 8, 4], { random, scale: 2 });
    const network: LiftedNetwork = {
      inputSize: 10,
      layers: base.layers.map((layer, i) => (i < 2 ? { map: layer.map, potential } : layer)),
    };
    const x = random.normalTensor([6, 10]) as tf.Tensor2D;
    const initial = network.layers.map((l) => tf.zeros([6, l.map.outputSize]) as tf.Tensor2D);
    const solution = assertNoLeaks(() => solveActivities(network, x, { rounds: 3000, tolerance: 1e-7, initial }));
    const forward = forwardPass(network, x);
    const { difference, scale } = maxAbsDifference(solution.activities, forward);
    expect(solution.trace.converged).toBe(true);
    expect(difference).toBeLessThan(1e-5 * scale);
    expect(Math.min(...solution.activities[0]!.dataSync())).toBeLessThan(0);
    tf.dispose([x, ...initial, ...solution.activities, ...forward]);
    disposeNetworkParameters(base);
  });

  it('of a least-squares MLP satisfies the KKT conditions of U', () => {
    const random = new Random('free LS');
    const network = denseMlp([12, 10, 8, 4], { random, potential: 'least-squares', scale: 1.5 });
    const x = random.normalTensor([6, 12]) as tf.Tensor2D;
    const gamma = [1, 0.5, 2];
    // 1e-6, not 1e-7: one float32 ulp of an activity in [2, 4) is 2.4e-7, and rounding can leave a
    // one-ulp 2-cycle (it does with the compiled spectral estimate, whose σ̂ differs in the last bit).
    const solution = assertNoLeaks(() => solveActivities(network, x, { gamma, rounds: 3000, tolerance: 1e-6 }));
    expect(solution.trace.converged).toBe(true);
    const gradients = activityGradients(network, x, solution.activities, gamma);
    // Stationarity on z > 0, a non-negative gradient on the active bound z = 0 (output: free).
    let worst = 0;
    solution.activities.forEach((z, k) => {
      const values = z.dataSync();
      const g = gradients[k]!.dataSync();
      const hidden = k < solution.activities.length - 1;
      values.forEach((v, i) => {
        worst = Math.max(worst, hidden && v === 0 ? Math.max(0, -g[i]!) : Math.abs(g[i]!));
      });
    });
    expect(worst).toBeLessThan(1e-4);
    // LS free state is not the forward pass (the reason it must be solved for).
    const forward = forwardPass(network, x);
    expect(maxAbsDifference(solution.activities, forward).difference).toBeGreaterThan(1e-2);
    // Its output layer is exactly the network's prediction from z_{L−1}: z_L = a_L.
    const pre = preActivations(network, x, solution.activities);
    expect(maxAbsDifference([solution.activities.at(-1)!], [pre.at(-1)!]).difference).toBeLessThan(1e-5);
    tf.dispose([x, ...solution.activities, ...gradients, ...forward, ...pre]);
    disposeNetworkParameters(network);
  });
});
