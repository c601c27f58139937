export { GlpkLpSolver, type GlpkLpSolverOptions } from './glpk-lp-solver.js';
export { lpOptimalityResiduals } from './lp-optimality.js';
export {
  glpkL1SolverDefinition,
  glpkLinfSolverDefinition,
  registerGlpkSolvers,
} from './glpk-solver-definitions.js';
