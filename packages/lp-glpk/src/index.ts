export { GlpkLpSolver, type GlpkLpSolverOptions } from './glpk-lp-solver.js';
export { lpOptimalityResiduals } from './lp-optimality.js';
