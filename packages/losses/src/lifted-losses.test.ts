import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { forwardPass, reweightedPotential } from '@liftguard/potentials';
import { solveActivities } from '@liftguard/solver';
import { createLoss } from './default-registry.js';
import { liftedNetworkOf } from './lifted-network-of.js';
import { resolveLiftedSettings } from './lifted-settings.js';
import { LiftedBatch, spectralCache } from './lifted-states.js';
import { danskinError, tinyProblem, withLoss } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

// Converged inner solves make Danskin's theorem apply: ∇L equals the derivative of the value.
const converged = { rounds: 150, tolerance: 1e-6 };

describe('Danskin: each lifted loss gradient matches finite differences of its value', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['rovr', { beta: 0.3 }],
    ['arovr', { beta: 0.3 }],
    ['arovr-gamma', { beta: 0.3, gamma: [0.6, 0.8, 1.2] }],
    ['arovr-alpha', { beta: 0.3, alpha: 0.7 }],
    ['arovr-alpha-beta', { beta: 0.3, alpha: 0.7, mix: 0.5 }],
    ['arovr-g-alpha-beta', { beta: 0.3, alpha: 0.7, gamma: { hidden: 0.7, output: 1.1 } }],
  ];
  for (const [name, options] of cases) {
    it(name, () => {
      const { model, batch, dispose } = tinyProblem(11);
      try {
        withLoss(name, { ...options, ...converged }, (loss) => {
          expect(danskinError(loss, model, batch, name)).toBeLessThan(3e-2);
        });
      } finally {
        dispose();
      }
    });
  }
});

describe('bounds that must hold (truncated, monotone solves)', () => {
  for (const seed of [1, 2, 3]) {
    it(`L_ROVR ≤ ℓ(z*) ≤ L_AROVR and L_{α,β} ≥ ℓ_y(z^t) on random net ${seed}`, () => {
      const { model, batch, dispose } = tinyProblem(seed, [8, 6, 6, 4], 9);
      try {
        const value = (name: string, options: Record<string, unknown>) =>
          withLoss(name, { rounds: 5, ...options }, (loss) => {
            const out = loss.compute(model, batch);
            tf.dispose(Object.values(out.grads));
            return out;
          });
        const r = value('rovr', { beta: 0.5, solverTrace: 'objective' });
        const a = value('arovr', { beta: 0.5 });
        const t = value('arovr-alpha', { beta: 0.5, alpha: 0.8 });
        const clean = r.diagnostics.cleanLoss!;
        expect(a.diagnostics.cleanLoss).toBeCloseTo(clean, 5);
        expect(r.value).toBeLessThanOrEqual(clean + 1e-5);
        expect(a.value).toBeGreaterThanOrEqual(clean - 1e-5);
        expect(t.value).toBeGreaterThanOrEqual(t.diagnostics.targetedStateLoss! - 1e-5);
        expect(r.diagnostics.solverMonotone).toBe(1);
      } finally {
        dispose();
      }
    });
  }
});

describe('ROVR tends to backprop as β → 0', () => {
  it('gradient error versus bp-squared shrinks with β', () => {
    const { model, batch, dispose } = tinyProblem(5);
    try {
      const flat = (name: string, options: Record<string, unknown>) =>
        withLoss(name, options, (loss) => {
          const out = loss.compute(model, batch);
          const values = model.trainableVariables.flatMap((v) => Array.from(out.grads[v.name]!.dataSync()));
          tf.dispose(Object.values(out.grads));
          return values;
        });
      const bp = flat('bp-squared', {});
      const error = (beta: number) => {
        const g = flat('rovr', { beta, ...converged });
        const diff = Math.sqrt(g.reduce((s, v, i) => s + (v - bp[i]!) ** 2, 0));
        return diff / Math.sqrt(bp.reduce((s, v) => s + v * v, 0));
      };
      const coarse = error(0.3);
      const fine = error(0.01);
      expect(fine).toBeLessThan(0.05);
      expect(fine).toBeLessThan(coarse);
    } finally {
      dispose();
    }
  });
});

describe('reweighting', () => {
  it('leaves predictions (the free state) unchanged for any γ', () => {
    const { model, batch, dispose } = tinyProblem(8);
    try {
      const network = liftedNetworkOf(model);
      assertNoLeaks(() => tf.tidy(() => {
        const x = batch.x as tf.Tensor2D;
        const forward = forwardPass(network, x);
        const logits = model.predict(x);
        for (const gamma of [1, [0.2, 3, 1.5]]) {
          const { activities } = solveActivities(network, x, { state: 'free', gamma, rounds: 10 });
          activities.forEach((z, k) => expect(tf.max(tf.abs(tf.sub(z, forward[k]!))).dataSync()[0]).toBeLessThan(1e-5));
          expect(tf.max(tf.abs(tf.sub(activities[activities.length - 1]!, logits))).dataSync()[0]).toBeLessThan(1e-5);
        }
      }));
    } finally {
      dispose();
    }
  });
});

describe('settings and memory', () => {
  it('refuses unstable and invalid settings with the rule that failed', () => {
    expect(() => createLoss('arovr', { beta: 1 })).toThrow(/unstable: AROVR needs γ_L > β/);
    expect(() => createLoss('arovr', { beta: 0.5, gamma: [1, 1, 0.4] })).toThrow(/γ_L > β/);
    expect(() => createLoss('arovr-alpha', { beta: 2.5, alpha: 1 })).toThrow(/γ_L\/α \+ 1 > β/);
    expect(() => createLoss('rovr', { beta: -1 })).toThrow(/beta must be a finite number > 0/);
    expect(() => createLoss('rovr', { gamma: [1, 0, 1] })).toThrow(/gamma\[1\]/);
    expect(() => createLoss('arovr', { betta: 0.5 })).toThrow(/unknown option\(s\) betta/);
  });

  it("solverTrace only changes what is recorded: 'objective' adds solverMonotone, values and gradients are equal", () => {
    const { model, batch, dispose } = tinyProblem(4);
    try {
      const run = (solverTrace: 'changes' | 'objective') =>
        withLoss('arovr', { beta: 0.5, rounds: 5, solverTrace }, (loss) => {
          const out = loss.compute(model, batch);
          const grads = Object.fromEntries(Object.entries(out.grads).map(([name, g]) => [name, Array.from(g.dataSync())]));
          tf.dispose(Object.values(out.grads));
          return { value: out.value, grads, diagnostics: out.diagnostics ?? {} };
        });
      const changes = run('changes');
      const objective = run('objective');
      expect(changes.value).toBe(objective.value);
      expect(changes.grads).toEqual(objective.grads);
      expect(changes.diagnostics).not.toHaveProperty('solverMonotone');
      expect(objective.diagnostics.solverMonotone).toBe(1);
    } finally {
      dispose();
    }
  });

  it('U^γ at the Fenchel-Young free state (the forward pass) is 0, as is its θ-gradient: taken as exact, not evaluated', () => {
    const { model, batch, dispose } = tinyProblem(6);
    const spectral = spectralCache();
    const lifted = new LiftedBatch(model, batch, resolveLiftedSettings('arovr', {}), spectral);
    try {
      const [evaluated, shortcut, gradientNorm] = tf.tidy(() => {
        const direct = () => tf.mean(reweightedPotential(lifted.network, batch.x as tf.Tensor2D, lifted.free, lifted.gamma)) as tf.Scalar;
        const { value, grads } = tf.variableGrads(direct, model.trainableVariables as tf.Variable[]);
        const norm = Math.max(...Object.values(grads).map((g) => tf.max(tf.abs(g)).dataSync()[0]!));
        return [value.dataSync()[0]!, lifted.potential(lifted.free).dataSync()[0]!, norm];
      });
      expect(Math.abs(evaluated)).toBeLessThan(1e-6);
      expect(gradientNorm).toBeLessThan(1e-6);
      expect(shortcut).toBe(0);
    } finally {
      lifted.dispose();
      spectral.dispose();
      dispose();
    }
  });

  it('every lifted loss leaves no tensors behind once disposed', () => {
    const { model, batch, dispose } = tinyProblem(4);
    try {
      for (const name of ['rovr', 'arovr', 'arovr-gamma', 'arovr-alpha', 'arovr-alpha-beta', 'arovr-g-alpha-beta']) {
        assertNoLeaks(() => {
          withLoss(name, name.includes('alpha') ? { beta: 0.4, target: 'random-wrong' } : { beta: 0.4 }, (loss) => {
            for (let i = 0; i < 3; i++) tf.dispose(Object.values(loss.compute(model, batch).grads));
          });
        }, name);
      }
    } finally {
      dispose();
    }
  });

  it('echoes every resolved hyperparameter', () => {
    withLoss('arovr-g-alpha-beta', {}, (loss) => {
      expect(loss.config).toEqual({
        beta: 0.5, gamma: { hidden: 0.5, output: 1 }, rounds: 5, damping: 'majorize', tolerance: null, solverTrace: 'changes', schedule: 'top-down',
        output: 'squared', potential: 'fenchel-young', maxGradientNorm: null, alpha: 1, target: 'highest-wrong', temperature: null, seed: 0, mix: 1,
      });
    });
  });
});
