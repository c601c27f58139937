import { Registry, type OptionSchema, type Registrable } from '@liftguard/tensor';
import { DualQpSolver, type DualQpSolverOptions } from './dual-qp-solver.js';
import { HighsQpSolver, type HighsQpSolverOptions } from './highs-qp-solver.js';
import type { ChangeObjective, QpSolver } from './qp-problem.js';

/** A registered cut solver: what it minimizes, the options it accepts and an async factory. */
export interface RepairSolverDefinition extends Registrable {
  /** The parameter-change norm the repair minimizes with this solver. */
  readonly objective: ChangeObjective;
  /** Builds the solver (async: some load WebAssembly); options are checked against `options` first. */
  create(options: Record<string, unknown>): Promise<QpSolver>;
}

const positive = (name: string, description: string): OptionSchema => ({
  name,
  type: 'number',
  min: 0,
  exclusiveMin: true,
  description,
});

export const dualQpSolverDefinition: RepairSolverDefinition = {
  name: 'dual',
  label: 'dual active-set QP',
  description: 'exact active-set method on the dual of the L2 step (built in, Float64)',
  objective: 'l2',
  options: [
    { name: 'strategy', type: 'string', choices: ['auto', 'full', 'working-set'], default: 'auto', description: 'full Gram matrix or constraint generation' },
    { name: 'warmStart', type: 'boolean', default: true, description: 'start from the previous solve’s support' },
    { name: 'batch', type: 'integer', min: 1, description: 'cuts added per working-set round (default max(8, ⌈m/16⌉))' },
    positive('kktTolerance', 'relative tolerance of the reported KKT check (default 1e-6)'),
    positive('tolerance', 'optimality tolerance on the gradient (default 1e-10·(1 + ‖r‖∞))'),
    positive('dependenceTolerance', 'residual below which a cut counts as dependent'),
    { name: 'maxIterations', type: 'integer', min: 1, description: 'iteration cap (default 50·m + 100)' },
  ],
  create: async (options) => new DualQpSolver(options as DualQpSolverOptions),
};

export const highsQpSolverDefinition: RepairSolverDefinition = {
  name: 'highs',
  label: 'HiGHS QP',
  description: 'the L2 step as a QP in HiGHS (optional peer dependency `highs`)',
  objective: 'l2',
  options: [
    { name: 'formulation', type: 'string', choices: ['primal', 'dual', 'auto'], default: 'auto', description: 'which QP HiGHS solves' },
    { name: 'primalColumnLimit', type: 'integer', min: 1, default: 3000, description: "largest n solved in primal form under 'auto'" },
    positive('timeLimit', 'HiGHS time limit in seconds'),
    positive('kktTolerance', 'relative tolerance of the KKT check (default 1e-6)'),
    { name: 'highsOptions', type: 'object', description: 'extra HiGHS options' },
  ],
  create: (options) => HighsQpSolver.create(options as HighsQpSolverOptions),
};

/** Cut solvers by name; other packages (e.g. @liftguard/lp-glpk) add theirs with `registerRepairSolver`. */
export const repairSolvers = new Registry<RepairSolverDefinition>({
  kind: 'repair solver',
  initial: [dualQpSolverDefinition, highsQpSolverDefinition],
});

/** Adds a cut solver; registering a name twice is an error, not a silent replace. */
export function registerRepairSolver(definition: RepairSolverDefinition): void {
  repairSolvers.register(definition);
}

/** The solver registered under `name`, built with `options` once they pass its schema. */
export async function createRepairSolver(
  name: string,
  options: Record<string, unknown> = {},
): Promise<{ solver: QpSolver; objective: ChangeObjective }> {
  repairSolvers.validate(name, options);
  const definition = repairSolvers.get(name);
  return { solver: await definition.create(options), objective: definition.objective };
}
