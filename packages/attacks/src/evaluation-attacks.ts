import type { OptionSchema } from '@liftguard/tensor';
import { apgd, apgdTargeted } from './apgd/apgd.js';
import type { ApgdOptions, ApgdTargetedOptions } from './apgd/apgd-config.js';
import type { AttackDefinition } from './attack-registry.js';
import { fabTargeted } from './fab/fab.js';
import type { FabTargetedOptions } from './fab/fab-config.js';
import { square } from './square/square.js';
import type { SquareOptions } from './square/square-config.js';

const norm = (choices: string[]): OptionSchema => ({ name: 'norm', type: 'string', choices, default: 'linf', description: 'threat-model norm' });
const steps: OptionSchema = { name: 'steps', type: 'integer', min: 1, default: 100, description: 'iterations per restart (and per target)' };
const restarts: OptionSchema = { name: 'restarts', type: 'integer', min: 1, default: 1, description: 'runs on the examples still robust' };
const rho: OptionSchema = { name: 'rho', type: 'number', min: 0, max: 1, default: 0.75, description: 'step halving when the loss rose in at most ρ of the steps' };
const eotSamples: OptionSchema = { name: 'eotSamples', type: 'integer', min: 1, max: 10_000, default: 1, description: 'gradients averaged per step (expectation over transformation, for randomized models)' };
// No schema default: the norms without the choice refuse it, and L1 defaults it to 'decreasing'.
const epsilonSchedule: OptionSchema = { name: 'epsilonSchedule', type: 'string', choices: ['decreasing', 'fixed'], description: "L1 only: 'decreasing' (AutoAttack's L1 setting: 30 % of the steps at 3ε, 30 % at 2ε, then ε; the default) or 'fixed'" };
const targetClasses: OptionSchema = { name: 'targetClasses', type: 'integer', min: 1, default: 9, description: 'top classes of the clean logits targeted in turn' };

/** The evaluation attacks of Croce & Hein's AutoAttack, as registry definitions. */
export const evaluationAttacks: readonly AttackDefinition[] = [
  {
    name: 'apgd',
    label: 'APGD',
    description: 'auto-PGD (Croce & Hein 2020): momentum, step halving at checkpoints, restarts from the best point; L1 with the sparse step of Croce & Hein 2021; loss cross-entropy (APGD-CE) or dlr (APGD-DLR)',
    options: [norm(['linf', 'l2', 'l1']), steps, restarts, { name: 'loss', type: 'string', choices: ['cross-entropy', 'dlr'], default: 'cross-entropy', description: 'cross-entropy or dlr' }, rho, eotSamples, epsilonSchedule],
    create: (options) => apgd(options as unknown as ApgdOptions),
  },
  {
    name: 'apgd-t',
    label: 'APGD-T',
    description: 'targeted APGD with the targeted DLR loss over the top-k classes, success = any wrong class',
    options: [norm(['linf', 'l2', 'l1']), steps, restarts, targetClasses, rho, eotSamples, epsilonSchedule],
    create: (options) => apgdTargeted(options as unknown as ApgdTargetedOptions),
  },
  {
    name: 'fab-t',
    label: 'FAB-T',
    description: 'targeted fast adaptive boundary attack (minimal norm), its points projected onto the ε-ball',
    options: [
      norm(['linf', 'l2', 'l1']),
      steps,
      restarts,
      targetClasses,
      { name: 'alphaMax', type: 'number', min: 0, max: 1, default: 0.1, description: 'largest weight of the step from the clean point' },
      { name: 'eta', type: 'number', min: 1, default: 1.05, description: 'overshoot of each projection' },
      { name: 'beta', type: 'number', min: 0, max: 1, default: 0.9, description: 'backward step towards the clean point after a success' },
    ],
    create: (options) => fabTargeted(options as unknown as FabTargetedOptions),
  },
  {
    name: 'square',
    label: 'Square',
    description: 'Square Attack (Andriushchenko et al. 2020): score-based random squares, no gradients',
    options: [
      norm(['linf', 'l2', 'l1']),
      { name: 'queries', type: 'integer', min: 1, default: 5000, description: 'model queries per example and restart' },
      { name: 'pInit', type: 'number', min: 0, max: 1, exclusiveMin: true, default: 0.8, description: 'fraction of the image the first squares cover' },
      restarts,
      { name: 'imageShape', type: 'object', description: 'how to read flat inputs as [height, width, channels]' },
    ],
    create: (options) => square(options as unknown as SquareOptions),
  },
];
