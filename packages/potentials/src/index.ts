export { nonNegative, unconstrained, boxDomain, type ActivationDomain } from './activation-domain.js';
export type { ActivityProblem, LayerPotential } from './layer-potential.js';
export { minimizeIsotropicQuadratic } from './quadratic-activity-minimizer.js';
export {
  FenchelYoungPotential,
  fenchelYoungRelu,
  fenchelYoungIdentity,
  fenchelYoungClippedRelu,
} from './fenchel-young.js';
export { LeastSquaresPotential, leastSquaresRelu, leastSquaresIdentity } from './least-squares.js';
export type { FrozenAdjoint, LinearMap } from './linear-map.js';
export { DenseMap, denseMap } from './dense-map.js';
export { estimateSpectralNorm, type SpectralNormEstimate } from './spectral-norm.js';
export {
  validateNetwork,
  resolveLayerWeights,
  preActivations,
  forwardPass,
  forwardState,
  type LayerWeights,
  type LiftedLayer,
  type LiftedNetwork,
} from './lifted-network.js';
export { layerEnergies, reweightedPotential } from './network-potential.js';
export { activityGradients } from './activity-gradients.js';
export { parameterGradients } from './parameter-gradients.js';
export { augmentPotential, augmentNetwork, type ActivityQuadratic } from './augmented-potential.js';
export { weightedDistance, weightedDistanceGradients } from './weighted-distance.js';
export { denseMlp, disposeNetworkParameters, type DenseMlpOptions } from './dense-mlp.js';
