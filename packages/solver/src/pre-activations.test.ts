import * as tf from '@tensorflow/tfjs-core';
import { denseMlp, forwardState, preActivations, type LiftedNetwork } from '@liftguard/potentials';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { solveActivities } from './solve-activities.js';
import type { SolveOptions } from './solve-options.js';

let network: LiftedNetwork;
let x: tf.Tensor2D;
let options: SolveOptions;

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('pre-activations');
  network = denseMlp([12, 9, 7, 4], { random, scale: 1.3 });
  x = random.normalTensor([6, 12]) as tf.Tensor2D;
  options = { state: 'adversarial', beta: 0.5, labels: tf.tensor1d([0, 1, 2, 3, 0, 1], 'int32'), rounds: 4, seed: 3 };
});

const values = (ts: readonly tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

describe('pre-activations in and out of a solve', () => {
  it('keepPreActivations returns a_k = map_k(z_{k−1}) at the solution, owned by the caller', () => {
    const solution = assertNoLeaks(() => solveActivities(network, x, { ...options, keepPreActivations: true }));
    const recomputed = preActivations(network, x, solution.activities);
    expect(values(solution.preActivations!)).toEqual(values(recomputed));
    expect(solveActivities(network, x, options).preActivations).toBeUndefined();
    tf.dispose([...solution.activities, ...solution.preActivations!, ...recomputed]);
  });

  it('starting from the forward pass with its pre-activations solves exactly as the default start', () => {
    const plain = solveActivities(network, x, options);
    const forward = forwardState(network, x);
    const handed = assertNoLeaks(() => solveActivities(network, x, { ...options, initial: forward.activities, initialPreActivations: forward.preActivations }));
    expect(values(handed.activities)).toEqual(values(plain.activities));
    expect(handed.trace.rounds.map((r) => r.maxChange)).toEqual(plain.trace.rounds.map((r) => r.maxChange));
    expect(forward.preActivations.every((a) => !a.isDisposed)).toBe(true);
    tf.dispose([...plain.activities, ...handed.activities, ...forward.activities, ...forward.preActivations]);
  });

  it('refuses pre-activations without the activities they belong to, or of the wrong shapes', () => {
    const forward = forwardState(network, x);
    expect(() => solveActivities(network, x, { ...options, initialPreActivations: forward.preActivations })).toThrow(
      'initialPreActivations needs the initial activities they were computed at',
    );
    expect(() =>
      solveActivities(network, x, { ...options, initial: forward.activities, initialPreActivations: forward.preActivations.slice(1) }),
    ).toThrow('initial pre-activations must be 3 tensors of shapes [6, 9], [6, 7], [6, 4]');
    tf.dispose([...forward.activities, ...forward.preActivations]);
  });
});
