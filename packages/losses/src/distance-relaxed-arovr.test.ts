import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { activityGradients, forwardPass, reweightedPotential, weightedDistance } from '@liftguard/potentials';
import { solveActivities } from '@liftguard/solver';
import { createLoss } from './default-registry.js';
import { envelopeNetwork } from './envelope-state.js';
import { liftedNetworkOf } from './lifted-network-of.js';
import type { Loss } from './loss.js';
import { danskinError, tinyProblem, withLoss } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

function valueOf(loss: Loss, problem: ReturnType<typeof tinyProblem>) {
  const out = loss.compute(problem.model, problem.batch);
  tf.dispose(Object.values(out.grads));
  return out;
}

// Converged outer and envelope solves make Danskin's theorem apply. β is small because the outer
// (difference-of-convex) iteration contracts slowly as β nears the relaxed problem's stability limit,
// which is far below AROVR's (γ_L > (1 + ρ_L)β is only necessary); at β = 0.1 it needs ~4× the rounds.
const converged = { beta: 0.05, rounds: 12, adversarialRounds: 4, envelopeRounds: 30, tolerance: 1e-6 };

describe('arovr-d (distance-relaxed AROVR, LIFTED.md §3.4)', () => {
  it('has a gradient that matches central finite differences of its value (Danskin)', () => {
    const problem = tinyProblem(11);
    try {
      withLoss('arovr-d', converged, (loss) => {
        expect(danskinError(loss, problem.model, problem.batch, 'arovr-d danskin')).toBeLessThan(3e-2);
      });
    } finally {
      problem.dispose();
    }
  });

  for (const seed of [1, 2, 3]) {
    it(`bounds AROVR from above (same β, γ) and equals it with ρ = 0, on random net ${seed}`, () => {
      const problem = tinyProblem(seed, [8, 6, 6, 4], 9);
      try {
        const settings = { beta: 0.12, gamma: [0.8, 1, 1.2], rounds: 40, tolerance: 1e-6 };
        const plain = withLoss('arovr', settings, (loss) => valueOf(loss, problem));
        const relaxed = withLoss('arovr-d', { ...settings, rounds: 20, adversarialRounds: 4, envelopeRounds: 40 }, (loss) => valueOf(loss, problem));
        const unrelaxed = withLoss('arovr-d', { ...settings, distance: 0 }, (loss) => valueOf(loss, problem));
        expect(relaxed.value).toBeGreaterThanOrEqual(plain.value - 1e-5);
        expect(relaxed.diagnostics.envelopeValue).toBeGreaterThan(0);
        expect(relaxed.value).toBeGreaterThanOrEqual(relaxed.diagnostics.cleanLoss! - 1e-5);
        expect(Math.abs(unrelaxed.value - plain.value)).toBeLessThan(1e-4 * Math.max(1, Math.abs(plain.value)));
      } finally {
        problem.dispose();
      }
    });
  }

  it('solves the envelope state to its KKT point: ∂U^γ/∂z_k + ρ_kγ_k(z̃_k − anchor_k) = 0 (≥ 0 where z̃_k = 0)', () => {
    const problem = tinyProblem(6, [6, 5, 4, 3], 8);
    const network = liftedNetworkOf(problem.model);
    const x = problem.batch.x as tf.Tensor2D;
    const gamma = [0.7, 1, 1.3];
    const rho = [1, 0.5, 2];
    const random = new Random('envelope anchor');
    const anchor = network.layers.map((layer, k) =>
      k === network.layers.length - 1
        ? (random.normalTensor([8, layer.map.outputSize]) as tf.Tensor2D)
        : (random.uniformTensor([8, layer.map.outputSize], -0.5, 1.5) as tf.Tensor2D),
    );
    try {
      assertNoLeaks(() => {
        const { activities, trace } = solveActivities(envelopeNetwork(network, anchor, rho), x, { state: 'free', gamma, rounds: 2000, tolerance: 1e-7 });
        const weights = gamma.map((g, k) => g * rho[k]!);
        const [residual, objective, atAnchor, atFree] = tf.tidy((): number[] => {
          const grads = activityGradients(network, x, activities, gamma);
          const residuals = grads.map((g, k) => {
            const full = tf.add(g, tf.mul(tf.sub(activities[k]!, anchor[k]!), weights[k]!));
            const hidden = k < activities.length - 1;
            return tf.max(tf.abs(hidden ? tf.minimum(activities[k]!, full) : full));
          });
          const envelope = (z: tf.Tensor2D[]) => tf.mean(tf.add(reweightedPotential(network, x, z, gamma), weightedDistance(z, anchor, weights)));
          const free = forwardPass(network, x);
          const feasibleAnchor = anchor.map((a, k) => (k < anchor.length - 1 ? tf.relu(a) : a)) as tf.Tensor2D[];
          return [tf.max(tf.stack(residuals)), envelope(activities), envelope(feasibleAnchor), envelope(free)].map((t) => t.dataSync()[0]!);
        });
        tf.dispose(activities);
        expect(trace.monotone).toBe(true);
        expect(residual).toBeLessThan(1e-4);
        if (objective === undefined || atAnchor === undefined || atFree === undefined) throw new Error('missing values');
        // The solver's Ψ is the envelope objective U^γ(z̃) + d(z̃, anchor), evaluated independently here.
        expect(Math.abs(trace.rounds[trace.rounds.length - 1]!.psi! - objective)).toBeLessThan(1e-5 * Math.max(1, objective));
        expect(objective).toBeLessThanOrEqual(Math.min(atAnchor, atFree) + 1e-6);
      });
    } finally {
      tf.dispose(anchor);
      problem.dispose();
    }
  });

  it('refuses unstable and invalid settings with the rule that failed, and echoes every hyperparameter', () => {
    expect(() => createLoss('arovr-d', { beta: 0.5 })).toThrow(/unstable: AROVR\^d needs γ_L > \(1 \+ ρ_L\)β = 1/);
    expect(() => createLoss('arovr-d', { beta: 0.3, distance: [1, 1, 3] })).toThrow(/γ_L > \(1 \+ ρ_L\)β/);
    expect(() => createLoss('arovr-d', { distance: -1 })).toThrow(/distance must be a finite number ≥ 0/);
    expect(() => createLoss('arovr-d', { distance: 'far' })).toThrow(/distance must be a number ≥ 0 or a list/);
    expect(() => createLoss('arovr-d', { envelopeRounds: 0 })).toThrow(/envelopeRounds must be an integer ≥ 1/);
    expect(() => createLoss('arovr-d', { adversarialRounds: 1.5 })).toThrow(/adversarialRounds must be an integer ≥ 1/);
    expect(() => createLoss('arovr-d', { alpha: 1 })).toThrow(/unknown option\(s\) alpha/);
    const problem = tinyProblem(3);
    try {
      withLoss('arovr-d', { distance: [1, 1] }, (loss) => {
        expect(() => loss.compute(problem.model, problem.batch)).toThrow(/distance needs 3 values \(one per layer\), got 2/);
      });
    } finally {
      problem.dispose();
    }
    withLoss('arovr-d', {}, (loss) => {
      expect(loss.config).toEqual({
        beta: 0.25, gamma: 1, rounds: 5, damping: 'majorize', tolerance: null, solverTrace: 'changes', schedule: 'top-down', output: 'squared',
        potential: 'fenchel-young', maxGradientNorm: null, distance: 1, envelopeRounds: 5, adversarialRounds: 3,
      });
    });
  });

  it('leaves no tensors behind once disposed (also with least squares and per-layer ρ)', () => {
    const problem = tinyProblem(4);
    try {
      for (const options of [{}, { potential: 'least-squares', distance: [0.5, 0, 1], output: 'cross-entropy' }]) {
        assertNoLeaks(() => {
          withLoss('arovr-d', options, (loss) => {
            for (let i = 0; i < 2; i++) tf.dispose(Object.values(loss.compute(problem.model, problem.batch).grads));
          });
        }, JSON.stringify(options));
      }
    } finally {
      problem.dispose();
    }
  });
});
