// @liftguard/losses/lifted: the template the ROVR / AROVR losses are built on, for downstream
// variants (experimental: it may change between minor versions while the family grows).
export { liftedLoss, arovrTerms, checkOutputStability, type LiftedTerms } from './lifted-losses.js';
export { LiftedBatch, readScalar, spectralCache, type PotentialTerm } from './lifted-states.js';
export {
  resolveLiftedSettings,
  describeSettings,
  liftedOptionNames,
  type LiftedLossOptions,
  type LiftedSettings,
} from './lifted-settings.js';
export { liftedOptionSchemas, withDefaults } from './option-schemas.js';
export { LossSettingsError, type GammaOption } from './hyperparameters.js';
