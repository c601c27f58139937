// CommonJS consumers load the ESM package with require() (Node >= 20.19).
const { CutMatrix } = require('@liftguard/cutting-plane');
const { GlpkLpSolver } = require('@liftguard/lp-glpk');

GlpkLpSolver.create().then(async (solver) => {
  const cuts = new CutMatrix(2, [Float32Array.of(1, 1), Float32Array.of(-1, -1)]);
  const { status } = await solver.solve({ cuts, rhs: Float64Array.of(-1, -1), objective: 'l1' });
  if (status !== 'infeasible') throw new Error(`expected infeasible, got ${status}`);
  console.log('cjs ok');
});
