import { describe, expect, it } from 'vitest';
import { DualQpSolver } from './dual-qp-solver.js';
import { createRepairSolver, registerRepairSolver, repairSolvers } from './repair-solvers.js';
import { randomCutProblem } from './test-support/random-cuts.js';

describe('repair solver registry', () => {
  it('builds the built-in solvers by name with the objective they minimize', async () => {
    expect(repairSolvers.names()).toEqual(expect.arrayContaining(['dual', 'highs']));
    const { solver, objective } = await createRepairSolver('dual', { strategy: 'full' });
    expect(objective).toBe('l2');
    expect(solver).toBeInstanceOf(DualQpSolver);
  });

  it('rejects unknown names, unknown options and values out of range, naming them', async () => {
    await expect(createRepairSolver('gurobi')).rejects.toThrow(/unknown repair solver 'gurobi'; known repair solvers: dual, highs/);
    await expect(createRepairSolver('dual', { stratgy: 'full' })).rejects.toThrow(/dual: unknown option stratgy; known: strategy/);
    await expect(createRepairSolver('dual', { strategy: 'fast' })).rejects.toThrow("dual: strategy must be one of auto, full, working-set, got 'fast'");
    await expect(createRepairSolver('highs', { timeLimit: 0 })).rejects.toThrow('highs: timeLimit must be a finite number > 0, got 0');
  });

  it('takes a solver registered from outside, and refuses a taken name', async () => {
    registerRepairSolver({
      name: 'dual-full',
      description: 'the dual solver, always on the full Gram matrix (test)',
      objective: 'l2',
      options: [],
      create: async () => new DualQpSolver({ strategy: 'full' }),
    });
    expect(() => registerRepairSolver({ ...repairSolvers.get('dual') })).toThrow(/already registered/);
    const { solver } = await createRepairSolver('dual-full');
    const problem = randomCutProblem(3, 6, 9);
    const reference = new DualQpSolver({ strategy: 'full' }).solveSync(problem);
    const solution = await solver.solve(problem);
    expect(solution.status).toBe(reference.status);
    Array.from(solution.x ?? []).forEach((v, i) => expect(v).toBeCloseTo(reference.x![i]!, 12));
  });
});
