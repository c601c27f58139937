// A lifted loss written the way a downstream package would: AROVR whose β shrinks every batch.
import type { LossDefinition } from '@liftguard/losses';
import {
  arovrTerms,
  checkOutputStability,
  liftedLoss,
  liftedOptionSchemas,
  resolveLiftedSettings,
  type LiftedLossOptions,
} from '@liftguard/losses/lifted';

export interface AnnealedArovrOptions extends LiftedLossOptions {
  /** β is multiplied by this after every batch (default 0.9). */
  decay?: number;
}

export const annealedArovr: LossDefinition<AnnealedArovrOptions> = {
  name: 'arovr-annealed',
  description: 'AROVR with β multiplied by `decay` after every batch',
  options: [
    ...liftedOptionSchemas,
    { name: 'decay', type: 'number', min: 0, exclusiveMin: true, max: 1, default: 0.9, description: 'β factor per batch' },
  ],
  create({ decay = 0.9, ...options }) {
    if (!(decay > 0 && decay <= 1)) throw new Error(`arovr-annealed: decay must be in (0, 1], got ${decay}`);
    const settings = resolveLiftedSettings('arovr-annealed', options);
    // β only shrinks, so the first batch is the one to check: AROVR needs γ_L > β.
    checkOutputStability('arovr-annealed', settings.gamma, 0, settings.beta, 'AROVR needs γ_L > β');
    let beta = settings.beta;
    return liftedLoss('arovr-annealed', settings, { decay }, (lifted) => {
      const terms = arovrTerms(lifted, beta);
      beta *= decay;
      return terms;
    });
  },
};
