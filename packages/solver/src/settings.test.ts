import * as tf from '@tensorflow/tfjs-core';
import { denseMlp, disposeNetworkParameters, type LiftedNetwork } from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SolverDivergenceError, UnstableSettingsError } from './errors.js';
import { solveActivities, type SolveOptions } from './solve-activities.js';

const random = new Random('settings');
let network: LiftedNetwork;
let x: tf.Tensor2D;
let labels: tf.Tensor1D;
beforeAll(async () => {
  await initBackend({ quiet: true });
  network = denseMlp([6, 5, 3], { random });
  x = random.normalTensor([4, 6]) as tf.Tensor2D;
  labels = tf.tensor1d([0, 1, 2, 0], 'int32');
});
afterAll(() => {
  tf.dispose([x, labels]);
  disposeNetworkParameters(network);
});

describe('unstable settings are refused', () => {
  it.each<[string, SolveOptions, RegExp]>([
    ['γ_L = β (adversarial)', { state: 'adversarial', beta: 1, gamma: 1 }, /γ_L \+ c⁺ − c⁻ = 1 \+ 0 − 1 = 0 ≤ 0/],
    ['γ_L < β (adversarial)', { state: 'adversarial', beta: 0.5, gamma: [1, 0.4] }, /γ_L > β/],
    ['targeted-adversarial with α(1 − β) + γ_L ≤ 0', { state: 'targeted-adversarial', beta: 3, alpha: 1 }, /1 \+ 1 − 3 = -1 ≤ 0/],
    ['β = 0', { state: 'adversarial', beta: 0 }, /needs a finite β > 0/],
    ['β < 0', { state: 'nudged', beta: -0.1 }, /needs a finite β > 0/],
    ['missing β', { state: 'adversarial' }, /needs a finite β > 0/],
    ['NaN β', { state: 'nudged', beta: Number.NaN }, /needs a finite β > 0/],
    ['α = 0', { state: 'targeted', alpha: 0 }, /needs a finite α > 0/],
  ])('%s', (_name, options, message) => {
    assertNoLeaks(() => {
      expect(() => solveActivities(network, x, { labels, ...options })).toThrow(UnstableSettingsError);
      expect(() => solveActivities(network, x, { labels, ...options })).toThrow(message);
    });
  });

  it.each<[string, SolveOptions, RegExp]>([
    ['γ = 0', { gamma: 0 }, /γ_1 must be a finite number > 0/],
    ['negative γ_2', { gamma: [1, -1] }, /γ_2 must be a finite number > 0/],
    ['missing labels', { state: 'nudged', beta: 0.5 }, /needs labels/],
    ['wrong input width', { rounds: 1 }, /input must be/],
    ['negative rounds', { rounds: -1 }, /rounds must be/],
    ['curvature margin below 1', { curvatureMargin: 0.5 }, /curvatureMargin/],
    ['bad damping list', { damping: [1, 2] }, /damping needs 1 finite/],
  ])('invalid options: %s', (name, options, message) => {
    const input = name === 'wrong input width' ? tf.zeros([4, 5]) as tf.Tensor2D : x;
    assertNoLeaks(() => {
      expect(() => solveActivities(network, input, options.state === 'nudged' ? options : { labels, ...options })).toThrow(message);
    });
    if (input !== x) input.dispose();
  });
});

describe('labels', () => {
  it('are needed by a targeted state only when no target is given', () => {
    const target = tf.tensor1d([1, 2, 0, 1], 'int32');
    assertNoLeaks(() => {
      expect(() => solveActivities(network, x, { state: 'targeted' })).toThrow(/needs labels/);
      const { activities } = solveActivities(network, x, { state: 'targeted', target, rounds: 2 });
      tf.dispose(activities);
    });
    target.dispose();
  });
});

describe('divergence is detected', () => {
  it('names the layer and round when undamped sweeps blow up', () => {
    const wild = denseMlp([6, 16, 16, 16, 3], { random: new Random('wild'), scale: 6 });
    let caught: unknown;
    assertNoLeaks(() => {
      try {
        solveActivities(wild, x, { state: 'adversarial', labels, beta: 0.5, damping: 'none', rounds: 200 });
      } catch (error) {
        caught = error;
      }
    });
    expect(caught).toBeInstanceOf(SolverDivergenceError);
    const error = caught as SolverDivergenceError;
    expect(error.round).toBeGreaterThan(0);
    expect(error.layer).toBeGreaterThanOrEqual(1);
    expect(error.layer).toBeLessThanOrEqual(4);
    expect(error.message).toContain(`layer ${error.layer}`);
    expect(error.message).toContain(`round ${error.round}`);
    disposeNetworkParameters(wild);
  });

  it('is detected without the objective in the trace too', () => {
    const wild = denseMlp([6, 16, 16, 16, 3], { random: new Random('wild'), scale: 6 });
    assertNoLeaks(() => {
      expect(() =>
        solveActivities(wild, x, { state: 'adversarial', labels, beta: 0.5, damping: 'none', rounds: 200, trace: 'changes' }),
      ).toThrow(SolverDivergenceError);
    });
    disposeNetworkParameters(wild);
  });

  it('reports round 0 when the input is not finite', () => {
    const bad = tf.tensor2d([[1, 2, Infinity, 0, 0, 0]]);
    assertNoLeaks(() => {
      expect(() => solveActivities(network, bad)).toThrow(/layer 1 has non-finite activities or energy at initialization/);
    });
    bad.dispose();
  });
});
