import { describe, expect, it } from 'vitest';
import { paretoFront, selectCandidate, selectionScores, type Candidate } from './candidate-pool.js';

const candidate = (
  index: number,
  violation: number,
  cleanError: number,
  changeNorm = index,
): Candidate => ({
  index,
  iteration: index,
  violation,
  cleanError,
  violatedCount: 0,
  cleanLoss: undefined,
  changeNorm,
  parameters: new Float32Array(0),
});

describe('candidate pool', () => {
  const pool = [
    candidate(0, 1.0, 0.02),
    candidate(1, 0.5, 0.04),
    candidate(2, 0.0, 0.1),
    candidate(3, 0.6, 0.05),
    candidate(4, 0.0, 0.1),
  ];

  it('scores ω·Ṽ + (1−ω)·Ẽ with min–max normalized terms', () => {
    const scores = selectionScores(pool, 0.4);
    // Ṽ = V / 1.0, Ẽ = (E − 0.02) / 0.08.
    pool.forEach((c, i) =>
      expect(scores[i]).toBeCloseTo(0.4 * c.violation + 0.6 * ((c.cleanError - 0.02) / 0.08), 12),
    );
  });

  it('ω = 1 picks the least violation (ties: the smaller change), ω = 0 the least clean error', () => {
    expect(selectCandidate(pool, 1)).toBe(2);
    expect(selectCandidate(pool, 0)).toBe(0);
  });

  it('the Pareto front is exactly the non-dominated candidates', () => {
    const front = paretoFront(pool).map((c) => c.index);
    expect(front).toEqual([2, 4, 1, 0]);
    for (const c of pool) {
      if (front.includes(c.index)) continue;
      expect(
        pool.some((o) => o.violation <= c.violation && o.cleanError <= c.cleanError && o !== c),
      ).toBe(true);
    }
  });
});
