export type { Loss, LossBatch, LossDefinition, LossOutput } from './loss.js';
export { LossRegistry, LossRegistryError } from './registry.js';
export { defaultLossRegistry, registerLoss, createLoss, listLosses } from './default-registry.js';
export { builtInLosses } from './built-in-losses.js';
export {
  backpropSquared,
  backpropCrossEntropy,
  simpleAdversarial,
  pgdAdversarial,
  type BackpropOptions,
  type SimpleAdversarialOptions,
  type PgdAdversarialOptions,
  type InputPerturbation,
} from './backprop-losses.js';
export { rovr, arovr, arovrGamma, arovrAlpha, arovrAlphaBeta, arovrGeneralizedAlphaBeta, type TargetedOptions } from './lifted-losses.js';
export { arovrDistance, type DistanceRelaxedOptions } from './distance-relaxed-arovr.js';
export { envelopeNetwork } from './envelope-state.js';
export type { LiftedLossOptions, LiftedSettings } from './lifted-settings.js';
export { LossSettingsError, type GammaOption } from './hyperparameters.js';
export { liftedNetworkOf, type LiftedModel, type PotentialFamily } from './lifted-network-of.js';
export { gradientsOf, globalNorm, clipByGlobalNorm } from './gradients.js';
export { chooseTargets, targetRules, temperatureWeights, type TargetRule } from './target-rule.js';
export { lipschitzEstimates, empiricalJacobianNorms } from './lipschitz-monitors.js';
export { internalLayers, type InternalLayerView } from './internal-layers.js';
