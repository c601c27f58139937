export type {
  ChangeObjective,
  CutProblem,
  KktResiduals,
  QpSolution,
  QpSolver,
  QpStatus,
} from './qp-problem.js';
export { CutMatrix } from './cut-matrix.js';
export { kktResiduals, defaultKktTolerance } from './kkt.js';
export { solveDualBoxQp, type DualBoxQpOptions, type DualBoxQpResult } from './dual-box-qp.js';
export {
  solveDualByWorkingSet,
  type WorkingSetOptions,
  type WorkingSetResult,
} from './working-set.js';
export { DualQpSolver, type DualQpSolverOptions } from './dual-qp-solver.js';
export {
  HighsQpSolver,
  loadHighs,
  type HighsFormulation,
  type HighsQpSolverOptions,
  type HighsRuntime,
} from './highs-qp-solver.js';
export {
  repairClassifier,
  type RepairOptions,
  type RepairResult,
  type IterationTrace,
  type StopReason,
  type CleanLossConstraint,
} from './repair.js';
export { repairOutcome, type RepairOutcome, type RepairOutcomeReason } from './repair-outcome.js';
export { paretoFront, selectionScores, selectCandidate, chooseCandidate, type Candidate } from './candidate-pool.js';
export {
  selectParameters,
  parameterCount,
  readParameters,
  writeParameters,
  type ParameterSelection,
} from './parameters.js';
export {
  marginConstraints,
  exampleViolations,
  type ConstraintForm,
  type MarginConstraint,
} from './margin-constraints.js';
export { marginGradientRows, gradientRow } from './gradient-rows.js';
export { cleanLossGradient, crossEntropy, meanCrossEntropy } from './clean-loss.js';
export {
  predictLogits,
  classificationError,
  type LabeledSet,
} from './labeled-set.js';
export {
  createRepairSolver,
  dualQpSolverDefinition,
  highsQpSolverDefinition,
  registerRepairSolver,
  repairSolvers,
  type RepairSolverDefinition,
} from './repair-solvers.js';
