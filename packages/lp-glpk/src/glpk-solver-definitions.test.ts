import { describe, expect, it } from 'vitest';
import { createRepairSolver, repairSolvers } from '@liftguard/cutting-plane';
import { GlpkLpSolver } from './glpk-lp-solver.js';
import { registerGlpkSolvers } from './glpk-solver-definitions.js';

describe('GLPK solvers in the repair solver registry', () => {
  it('are added from this package like a third-party plugin, once', async () => {
    expect(repairSolvers.has('glpk-l1')).toBe(false);
    registerGlpkSolvers();
    expect(() => registerGlpkSolvers()).toThrow(/a repair solver named 'glpk-l1' is already registered/);
    expect(repairSolvers.names()).toEqual(expect.arrayContaining(['dual', 'highs', 'glpk-l1', 'glpk-linf']));
    const l1 = await createRepairSolver('glpk-l1', { timeLimit: 10 });
    expect(l1.objective).toBe('l1');
    expect(l1.solver).toBeInstanceOf(GlpkLpSolver);
    expect((await createRepairSolver('glpk-linf')).objective).toBe('linf');
    await expect(createRepairSolver('glpk-l1', { optimalityTolerance: -1 })).rejects.toThrow(
      'glpk-l1: optimalityTolerance must be a finite number > 0, got -1',
    );
  });
});
