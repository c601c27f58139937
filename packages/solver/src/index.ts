export { solveActivities, type ActivitySolution } from './solve-activities.js';
export { stateCoefficients, assertStableOutput, stateKinds, type StateCoefficients, type StateKind } from './state-coefficients.js';
export {
  squaredLoss,
  crossEntropyLoss,
  outputLosses,
  registerOutputLoss,
  resolveOutputLoss,
  type OutputLoss,
  type OutputLossName,
} from './output-loss.js';
export type { SolveOptions } from './solve-options.js';
export { layerOrder, type Schedule } from './schedule.js';
export { proximalWeights, type Damping } from './damping.js';
export { SpectralEstimates } from './spectral-estimates.js';
export { UnstableSettingsError, SolverDivergenceError } from './errors.js';
export { highestScoringWrongClass } from './wrong-class.js';
export type { RoundTrace, SolveTrace } from './trace.js';
