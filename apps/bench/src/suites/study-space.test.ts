// The tuning study's search space: trial 0 is the defaults, every draw is a loss the library accepts, draws are reproducible.
import { describe, expect, it } from 'vitest';
import { createLoss } from '@liftguard/losses';
import { defaultTrial, sampleTrial, studyMethods } from './study-space.js';

describe('study search space', () => {
  it('trial 0 of every method is the library default at the epoch cap', () => {
    for (const method of studyMethods) {
      expect(sampleTrial(method, 0, 5)).toEqual(defaultTrial(method, 5));
      expect(sampleTrial(method, 0, 5)).toMatchObject({ learningRate: 1e-3, initScale: 1, lossOptions: {}, restoreBest: true });
    }
  });

  it('every draw stays in its ranges, respects AROVR stability (β < γ_L) and is accepted by createLoss', () => {
    for (const method of studyMethods)
      for (let t = 1; t < 40; t++) {
        const trial = sampleTrial(method, t, 5);
        expect(trial.learningRate).toBeGreaterThanOrEqual(3e-4 * 0.999);
        expect(trial.learningRate).toBeLessThanOrEqual(3e-3 * 1.001);
        expect([3, 4, 5]).toContain(trial.epochs);
        expect([0.5, 1, 2]).toContain(trial.initScale);
        if (method === 'bp') expect(['bp-squared', 'bp-cross-entropy']).toContain(trial.loss);
        else {
          const { beta, gamma } = trial.lossOptions as { beta: number; gamma: number[] };
          expect(beta).toBeLessThan(gamma[2]!);
          // AROVR^d: γ_L > (1 + ρ)β.
          if (method === 'arovr-d') expect((1 + (trial.lossOptions.distance as number)) * beta).toBeLessThan(gamma[2]!);
          expect(beta).toBeGreaterThanOrEqual(0.05 * 0.999);
        }
        const loss = createLoss(trial.loss, trial.lossOptions);
        loss.dispose?.();
      }
  });

  it('draws are reproducible and the epoch cap is applied', () => {
    expect(sampleTrial('arovr', 3, 5)).toEqual(sampleTrial('arovr', 3, 5));
    expect(sampleTrial('arovr', 3, 5)).not.toEqual(sampleTrial('arovr', 4, 5));
    for (let t = 1; t < 10; t++) expect(sampleTrial('rovr', t, 2).epochs).toBeLessThanOrEqual(2);
  });
});
