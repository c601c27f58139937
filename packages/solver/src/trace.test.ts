import * as tf from '@tensorflow/tfjs-core';
import {
  denseMap,
  denseMlp,
  disposeNetworkParameters,
  estimateSpectralNorm,
  fenchelYoungIdentity,
  layerEnergies,
  reweightedPotential,
} from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveActivities } from './solve-activities.js';
import { SpectralEstimates } from './spectral-estimates.js';
import { highestScoringWrongClass } from './wrong-class.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('the trace', () => {
  it('has one entry per round with per-layer changes, and stops at the tolerance', () => {
    const random = new Random('trace');
    const network = denseMlp([8, 6, 6, 3], { random, scale: 1.5 });
    const x = random.normalTensor([5, 8]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
    const fixed = assertNoLeaks(() => solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, rounds: 7 }));
    expect(fixed.trace.roundsRun).toBe(7);
    expect(fixed.trace.rounds.map((r) => r.round)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(fixed.trace.rounds.every((r) => r.maxChange.length === 3)).toBe(true);
    expect(fixed.trace.rounds[0]!.maxChange).toEqual([0, 0, 0]);
    expect(fixed.trace.converged).toBeNull();
    // max |Δz| of round 1 is what a direct comparison with the initial state gives.
    const once = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, rounds: 1 });
    const forward = network.layers.map((_, k) => k);
    const initial = solveActivities(network, x, { rounds: 0 });
    forward.forEach((k) => {
      const expected = tf.tidy(() => tf.max(tf.abs(tf.sub(once.activities[k]!, initial.activities[k]!))).dataSync()[0]!);
      expect(once.trace.rounds[1]!.maxChange[k]).toBeCloseTo(expected, 6);
    });

    const stopped = solveActivities(network, x, { state: 'nudged', labels, beta: 0.5, rounds: 2000, tolerance: 1e-4 });
    expect(stopped.trace.converged).toBe(true);
    expect(stopped.trace.roundsRun).toBeLessThan(2000);
    expect(Math.max(...stopped.trace.rounds.at(-1)!.maxChange)).toBeLessThanOrEqual(1e-4);
    expect(Math.max(...stopped.trace.rounds.at(-2)!.maxChange)).toBeGreaterThan(1e-4);
    tf.dispose([x, labels, ...fixed.activities, ...once.activities, ...initial.activities, ...stopped.activities]);
    disposeNetworkParameters(network);
  });

  it('reports Ψ and per-layer energies equal to the potentials evaluated at the returned state', () => {
    const random = new Random('trace psi');
    const network = denseMlp([8, 6, 6, 3], { random, scale: 1.5 });
    const x = random.normalTensor([5, 8]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
    const gamma = [0.5, 2, 1.5];
    const { activities, trace } = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, gamma, rounds: 4 });
    const [potential, energies, loss] = tf.tidy(() => {
      const zL = activities.at(-1)!;
      const y = tf.oneHot(labels, 3);
      return [
        tf.mean(reweightedPotential(network, x, activities, gamma)).dataSync()[0]!,
        layerEnergies(network, x, activities).map((e) => tf.mean(e).dataSync()[0]!),
        tf.mean(tf.mul(tf.sum(tf.square(tf.sub(zL, y)), 1), 0.5)).dataSync()[0]!,
      ];
    });
    const last = trace.rounds.at(-1)!;
    expect(last.psi!).toBeCloseTo(potential - 0.5 * loss, 5);
    last.energies.forEach((e, k) => expect(e).toBeCloseTo(energies[k]!, 5));

    // The cheaper trace keeps the changes (and so the tolerance) but not Ψ.
    const cheap = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, gamma, rounds: 4, trace: 'changes' });
    expect(cheap.trace.rounds.map((r) => r.psi)).toEqual([null, null, null, null, null]);
    expect(cheap.trace.monotone).toBeNull();
    cheap.trace.rounds.forEach((r, i) => r.maxChange.forEach((c, k) => expect(c).toBeCloseTo(trace.rounds[i]!.maxChange[k]!, 5)));
    tf.dispose([x, labels, ...activities, ...cheap.activities]);
    disposeNetworkParameters(network);
  });

  it('reports σ̂ and the proximal weights, warm-started across solves without leaks', () => {
    const random = new Random('spectral trace');
    const network = denseMlp([8, 7, 5, 3], { random, scale: 1.5 });
    const x = random.normalTensor([4, 8]) as tf.Tensor2D;
    const truth = network.layers.slice(1).map((layer) =>
      tf.tidy(() => {
        const start = tf.ones([1, layer.map.inputSize]) as tf.Tensor2D;
        return estimateSpectralNorm(layer.map, start, 500).sigma.dataSync()[0]!;
      }),
    );
    assertNoLeaks(() => {
      const spectral = new SpectralEstimates(7);
      const first = solveActivities(network, x, { rounds: 1, spectral, coldPowerIterations: 2 });
      const sigmas = [first.trace.spectralNorms];
      for (let i = 0; i < 30; i++) {
        const next = solveActivities(network, x, { rounds: 0, spectral, powerIterations: 3 });
        sigmas.push(next.trace.spectralNorms);
        tf.dispose(next.activities);
      }
      const last = sigmas.at(-1)!;
      last.forEach((s, i) => expect(Math.abs(s - truth[i]!)).toBeLessThan(1e-3 * truth[i]!));
      first.trace.spectralNorms.forEach((s, i) => expect(s).toBeLessThanOrEqual(truth[i]! * (1 + 1e-5)));
      first.trace.proximalWeights.forEach((m, i) => expect(m).toBeCloseTo(1.1 * first.trace.spectralNorms[i]! ** 2, 4));
      tf.dispose(first.activities);
      spectral.dispose();
    });
    tf.dispose(x);
    disposeNetworkParameters(network);
  });
});

describe('output update with cross-entropy', () => {
  it('reaches the stationary point γ(z − a) − β(softmax(z) − y) = 0 of a one-layer adversarial Ψ', () => {
    const random = new Random('ce');
    const kernel = random.normalTensor([5, 4]) as tf.Tensor2D;
    const bias = random.normalTensor([4]) as tf.Tensor1D;
    const network = { inputSize: 5, layers: [{ map: denseMap(kernel, bias), potential: fenchelYoungIdentity() }] };
    const x = random.normalTensor([3, 5]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 3, 1], 'int32');
    const gamma = 1.2;
    const beta = 0.9;
    const solution = assertNoLeaks(() =>
      solveActivities(network, x, { state: 'adversarial', labels, beta, gamma, loss: 'cross-entropy', outputIterations: 300, rounds: 1 }),
    );
    const residual = tf.tidy(() => {
      const z = solution.activities[0]!;
      const y = tf.oneHot(labels, 4);
      const r = tf.sub(tf.mul(tf.sub(z, network.layers[0]!.map.apply(x)), gamma), tf.mul(tf.sub(tf.softmax(z), y), beta));
      return tf.max(tf.abs(r)).dataSync()[0]!;
    });
    expect(residual).toBeLessThan(1e-5);
    tf.dispose([kernel, bias, x, labels, ...solution.activities]);
  });
});

describe('targets', () => {
  it('default to the highest-scoring wrong class', () => {
    const logits = tf.tensor2d([
      [5, 4, 1],
      [0, 2, 3],
      [1, 7, 2],
    ]);
    const y = tf.tensor2d([
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 1],
    ]);
    const t = assertNoLeaks(() => highestScoringWrongClass(logits, y));
    expect(t.arraySync()).toEqual([
      [0, 1, 0],
      [0, 1, 0],
      [0, 1, 0],
    ]);
    tf.dispose([logits, y, t]);
  });
});
