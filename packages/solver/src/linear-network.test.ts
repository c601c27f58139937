import * as tf from '@tensorflow/tfjs-core';
import { disposeNetworkParameters } from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Schedule } from './schedule.js';
import { solveActivities } from './solve-activities.js';
import { stateCoefficients, type StateKind } from './state-coefficients.js';
import { linearNetworkMinimizer, rows } from './test-support/linear-closed-form.js';
import { linearNetwork, relativeDistance } from './test-support/networks.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const sizes = [4, 5, 3, 3];
const gamma = [0.8, 1.2, 1.5];
const beta = 0.5;
const batch = 3;

const cases: [StateKind, Schedule, number][] = [
  ['adversarial', 'top-down', 1],
  ['nudged', 'top-down', 1],
  ['targeted', 'top-down', 2],
  ['targeted-adversarial', 'top-down', 0.7],
  ['adversarial', 'bottom-up', 1],
  ['nudged', 'alternating', 1],
];

describe('on a linear network the solver reaches the closed-form minimizer of the quadratic Ψ', () => {
  it.each(cases)('%s state, %s schedule, α = %s', (state, schedule, alpha) => {
    const random = new Random(`linear ${state} ${schedule}`);
    const network = linearNetwork(random, sizes, 0.6);
    const x = random.normalTensor([batch, sizes[0]!]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 2, 1], 'int32');
    const target = tf.tensor1d([1, 0, 2], 'int32');
    const kernels = network.layers.map((l) => rows(l.map.parameters()['kernel']!));
    const biases = network.layers.map((l) => Array.from(l.map.parameters()['bias']!.dataSync()));
    const { plus, minus } = stateCoefficients(state, beta, alpha);
    const xs = rows(x);
    const expected = xs.map((xb, b) => {
      const oneHot = (c: number) => [0, 1, 2].map((j) => (j === c ? 1 : 0));
      const y = oneHot(labels.dataSync()[b]!);
      const t = state === 'nudged' ? y : oneHot(target.dataSync()[b]!);
      return linearNetworkMinimizer(kernels, biases, gamma, xb, plus, minus, t, y);
    });
    const solution = assertNoLeaks(() =>
      solveActivities(network, x, { state, labels, target, beta, alpha, gamma, schedule, rounds: 4000, tolerance: 1e-6 }),
    );
    expect(solution.trace.converged).toBe(true);

    const solved = solution.activities.map(rows);
    const expectedByLayer = sizes.slice(1).map((_, k) => expected.map((perExample) => perExample[k]!));
    expect(relativeDistance(solved, expectedByLayer)).toBeLessThan(2e-4);
    tf.dispose([x, labels, target, ...solution.activities]);
    disposeNetworkParameters(network);
  });
});
