export { attackNorm, type Attack, type AttackProblem } from './attack.js';
export {
  attackNames,
  attacks,
  createAttack,
  registerAttack,
  type AttackDefinition,
  type AttackFactory,
} from './attack-registry.js';
export type { AttackObjective, ObjectiveInput } from './objectives/attack-objective.js';
export { crossEntropyObjective, marginObjective } from './objectives/logit-objectives.js';
export { dlrObjective } from './objectives/dlr.js';
export {
  attackObjective,
  attackObjectives,
  registerAttackObjective,
  type AttackLossName,
} from './objectives/registry.js';
export { attackOnce, type AttackOnceOptions, type AttackOnceResult } from './attack-once.js';
export { clipToBounds, defaultBounds, type Bounds } from './bounds.js';
export { cleanPass, type CleanPass } from './clean-pass.js';
export { AttackAbortedError, AttackConfigError, AttackInputError } from './errors.js';
export { defaultGoal, type AttackGoal } from './goal.js';
export {
  gradientReport,
  type DeclaresGradientSource,
  type GradientReport,
  type GradientSource,
} from './gradient-source.js';
export {
  attackInternalLayers,
  type InternalLayerNetwork,
  type InternalLayerOptions,
  type InternalLayerResult,
  type LayerRobustness,
} from './internal-layer.js';
export { l1Norm, l1StepSparsity } from './norms/l1.js';
export { l2Norm } from './norms/l2.js';
export { linfNorm } from './norms/linf.js';
export type { BuiltInNormName, NormName, NormStrategy } from './norms/norm-strategy.js';
export { normDistance, normNames, norms, normStrategy, registerNorm } from './norms/registry.js';
export { fgsm, pgd, type FgsmOptions, type PgdAttack } from './pgd.js';
export {
  absoluteStepSize,
  fgsmOptions,
  pgdOptions,
  resolvePgdConfig,
  type PgdOptions,
  type ResolvedPgdConfig,
  type StepSize,
} from './pgd-config.js';
export { projectedGradientAscent } from './pgd-loop.js';
export { runAttack, type AttackResult } from './run-attack.js';
export { runAttacks, type AttackStage, type WorstCaseResult } from './run-attacks.js';
export {
  accuracy,
  prepareRun,
  type AttackInputs,
  type EpsilonListFields,
  type PreparedRun,
  type ResolvedRunConfig,
  type RunOptions,
} from './run-config.js';
export {
  validateBounds,
  validateEpsilons,
  validateInputs,
  validateLabels,
  type LabelInput,
} from './validate.js';
export {
  adversarialPool,
  adversarialSet,
  cuttingPlaneRecipe,
  logitViolations,
  selectAdversarialSet,
  type AdversarialPool,
  type AdversarialSet,
  type AdversarialSetRecipe,
  type SelectOptions,
} from './adversarial-set.js';
export { dlrLoss, targetedDlrLoss } from './objectives/dlr.js';
export { apgd, apgdTargeted } from './apgd/apgd.js';
export {
  resolveApgdConfig,
  resolveApgdTargetedConfig,
  type ApgdLoss,
  type ApgdOptions,
  type ApgdTargetedOptions,
  type ResolvedApgdConfig,
} from './apgd/apgd-config.js';
export type { ApgdNorm } from './apgd/apgd-geometry.js';
export { apgdRun, type ApgdRunInput, type ApgdRunResult } from './apgd/apgd-run.js';
export { checkpoints as apgdCheckpoints } from './apgd/apgd-schedule.js';
export { square, type SquareAttack, type SquareResult } from './square/square.js';
export {
  resolveSquareConfig,
  type ResolvedSquareConfig,
  type SquareOptions,
} from './square/square-config.js';
export { imageLayout, type ImageLayout } from './square/image-layout.js';
export { fabTargeted, type FabResult, type FabTargetedAttack } from './fab/fab.js';
export {
  resolveFabConfig,
  type FabTargetedOptions,
  type ResolvedFabConfig,
} from './fab/fab-config.js';
export { projectOntoHyperplane, type FabNorm } from './fab/hyperplane-projection.js';
export { evaluationAttacks } from './evaluation-attacks.js';
export { autoAttack, autoAttackAttacks, autoAttackList, type AutoAttackOptions, type AutoAttackVersion } from './auto-attack.js';
export {
  gradientMaskingChecks,
  type MaskingCheckInput,
  type MaskingCheckOptions,
} from './masking/gradient-masking-checks.js';
export {
  defaultMaskingThresholds,
  type MaskingCheckName,
  type MaskingThresholds,
  type MaskingWarning,
} from './masking/masking-warning.js';
export { deadGradientRows } from './masking/model-probes.js';
export type { EpsilonCurve } from './masking/result-checks.js';
