import * as tf from '@tensorflow/tfjs-core';
import { denseMlp, disposeNetworkParameters } from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutputLossName } from './output-loss.js';
import { solveActivities } from './solve-activities.js';
import type { StateKind } from './state-coefficients.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const cases: [StateKind, OutputLossName, 'fenchel-young' | 'least-squares'][] = [
  ['adversarial', 'squared', 'fenchel-young'],
  ['adversarial', 'cross-entropy', 'fenchel-young'],
  ['nudged', 'squared', 'fenchel-young'],
  ['targeted', 'cross-entropy', 'fenchel-young'],
  ['targeted-adversarial', 'squared', 'fenchel-young'],
  ['adversarial', 'squared', 'least-squares'],
];

describe('damped (majorized) sweeps never increase Ψ', () => {
  it.each(cases)('%s state, %s loss, %s potentials', (state, loss, potential) => {
    const random = new Random(`monotone ${state} ${loss} ${potential}`);
    // Weights with ‖W‖₂ well above 1, where undamped sweeps are not monotone.
    const network = denseMlp([30, 24, 24, 16, 6], { random, potential, scale: 2 });
    const x = random.uniformTensor([10, 30]) as tf.Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % 6), 'int32');
    const gamma = [1, 0.5, 0.8, 1];
    const solution = assertNoLeaks(() =>
      solveActivities(network, x, { state, labels, loss, beta: 0.5, gamma, rounds: 40 }),
    );
    const psi = solution.trace.rounds.map((r) => r.psi);
    for (let r = 1; r < psi.length; r++) {
      // Float32 rounding of a batch-mean of sums: 1e-5 relative.
      expect(psi[r]!).toBeLessThanOrEqual(psi[r - 1]! + 1e-5 * Math.max(1, Math.abs(psi[r - 1]!)));
    }
    expect(solution.trace.monotone).toBe(true);
    // The forward pass is not a minimizer of these Ψ, so the solve must make progress.
    expect(psi.at(-1)!).toBeLessThan(psi[0]!);
    tf.dispose([x, labels, ...solution.activities]);
    disposeNetworkParameters(network);
  });

  it('while the undamped sweep of the same problem is not monotone (the damping is what makes it so)', () => {
    const random = new Random('monotone undamped');
    const network = denseMlp([30, 24, 24, 16, 6], { random, scale: 2 });
    const x = random.uniformTensor([10, 30]) as tf.Tensor2D;
    const labels = tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % 6), 'int32');
    let monotone = true;
    try {
      const solution = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, gamma: [1, 0.5, 0.8, 1], rounds: 10, damping: 'none' });
      monotone = solution.trace.monotone === true;
      tf.dispose(solution.activities);
    } catch {
      monotone = false; // diverged: certainly not monotone
    }
    expect(monotone).toBe(false);
    tf.dispose([x, labels]);
    disposeNetworkParameters(network);
  });
});
