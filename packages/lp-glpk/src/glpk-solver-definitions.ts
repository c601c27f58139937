import {
  registerRepairSolver,
  type ChangeObjective,
  type RepairSolverDefinition,
} from '@liftguard/cutting-plane';
import { GlpkLpSolver, type GlpkLpSolverOptions } from './glpk-lp-solver.js';

const glpkOptions: RepairSolverDefinition['options'] = [
  { name: 'timeLimit', type: 'number', min: 0, exclusiveMin: true, description: 'GLPK time limit in seconds' },
  {
    name: 'optimalityTolerance',
    type: 'number',
    min: 0,
    exclusiveMin: true,
    default: 1e-6,
    description: 'relative tolerance of the LP optimality check',
  },
];

function glpkDefinition(objective: ChangeObjective, what: string): RepairSolverDefinition {
  return {
    name: `glpk-${objective}`,
    label: `GLPK ${objective === 'l1' ? 'L1' : 'L∞'} LP`,
    description: `${what} as a linear program in GLPK (glpk.js, GPL-3.0)`,
    objective,
    options: glpkOptions,
    create: (options) => GlpkLpSolver.create(options as GlpkLpSolverOptions),
  };
}

/** Sparse edits: min ‖d‖₁ (a vertex, so at most m parameters change). */
export const glpkL1SolverDefinition = glpkDefinition('l1', 'the L1 parameter change (sparse edits)');

/** Uniform small edits: min ‖d‖∞. */
export const glpkLinfSolverDefinition = glpkDefinition('linf', 'the L∞ parameter change (uniform small edits)');

/**
 * Adds 'glpk-l1' and 'glpk-linf' to @liftguard/cutting-plane's repair solvers, through the
 * public `registerRepairSolver` any third-party package uses. Call once; a second call is an
 * error, like any second registration (the package has no import side effects).
 */
export function registerGlpkSolvers(): void {
  registerRepairSolver(glpkL1SolverDefinition);
  registerRepairSolver(glpkLinfSolverDefinition);
}
