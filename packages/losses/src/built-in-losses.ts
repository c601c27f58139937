import { backpropCrossEntropy, backpropSquared, pgdAdversarial, simpleAdversarial } from './backprop-losses.js';
import { arovr, arovrAlpha, arovrAlphaBeta, arovrGamma, arovrGeneralizedAlphaBeta, rovr } from './lifted-losses.js';
import type { LossDefinition } from './loss.js';
import { arovrDistance } from './distance-relaxed-arovr.js';

/** Every loss this package ships, registered into the default registry like any other. */
export const builtInLosses: readonly LossDefinition<never>[] = [
  backpropSquared,
  backpropCrossEntropy,
  simpleAdversarial,
  pgdAdversarial,
  rovr,
  arovr,
  arovrGamma,
  arovrAlpha,
  arovrAlphaBeta,
  arovrGeneralizedAlphaBeta,
  arovrDistance,
] as unknown as LossDefinition<never>[];
