import { createRepairSolver, CutMatrix } from '@liftguard/cutting-plane';
import { GlpkLpSolver, registerGlpkSolvers } from '@liftguard/lp-glpk';

const solver = await GlpkLpSolver.create();
// One cut aᵀd ≤ r: the L1 optimum moves only the largest |a_p|, by |r|/‖a‖∞.
const problem = {
  cuts: new CutMatrix(3, [Float32Array.of(1, -4, 2)]),
  rhs: Float64Array.of(-2),
  objective: 'l1',
};
const { x, status } = await solver.solve(problem);
if (status !== 'optimal' || x[0] !== 0 || x[1] !== 0.5 || x[2] !== 0)
  throw new Error(`wrong L1 step ${x}`);
const linf = await solver.solve({ ...problem, objective: 'linf' });
if (Math.abs(linf.objective - 2 / 7) > 1e-12)
  throw new Error(`wrong L∞ objective ${linf.objective}`);
// Registered by name through cutting-plane's public registry, as a plugin would.
registerGlpkSolvers();
const named = await createRepairSolver('glpk-linf');
if (named.objective !== 'linf' || !(named.solver instanceof GlpkLpSolver)) throw new Error('glpk-linf not registered');
console.log('esm ok');
