// The equal-budget random search of the AROVR tuning study (issue #20): one search space per method.
import { Random } from '@liftguard/tensor';

/** Everything one training run needs besides data and seed. */
export interface TrialConfig {
  /** Study method: 'bp' or a registered lifted loss name. */
  method: string;
  /** The registered loss actually created (BP: 'bp-squared' or 'bp-cross-entropy'). */
  loss: string;
  lossOptions: Record<string, unknown>;
  learningRate: number;
  epochs: number;
  /** Multiplies every initial weight of the lifted init (N(0,1)/√fan_in). */
  initScale: number;
  widths: number[];
  optimizer: 'adam' | 'sgd';
  /** false: report the last epoch's weights (no best-epoch restoration). */
  restoreBest: boolean;
}

/** The methods searched with equal budgets (AROVR's γ search covers AROVR^γ, arovr-alpha-beta's covers AROVR^g_{α,β}). */
export const studyMethods = ['bp', 'rovr', 'arovr', 'arovr-alpha-beta', 'arovr-alpha', 'arovr-d'] as const;

const widths = [784, 128, 128, 10];

/** The library defaults at 5 epochs: trial 0 of every method, so the defaults compete too. */
export function defaultTrial(method: string, epochs = 5): TrialConfig {
  return {
    method,
    loss: method === 'bp' ? 'bp-squared' : method,
    lossOptions: {},
    learningRate: 1e-3,
    epochs,
    initScale: 1,
    widths,
    optimizer: 'adam',
    restoreBest: true,
  };
}

const choice = <T>(random: Random, values: readonly T[]): T => values[random.int(values.length)]!;
const logUniform = (random: Random, low: number, high: number) => Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)));
const rounded = (v: number) => Number(v.toPrecision(3));

/**
 * Trial `index` of `method` (0 is the defaults). Shared: lr log-uniform in [3e-4, 3e-3], epochs in
 * {3, 4, 5}, init scale in {0.5, 1, 2}, output loss squared or cross-entropy. Lifted: γ per hidden
 * layer in {0.25, 0.5, 1, 2}, γ_L in {1, 2}, β log-uniform in [0.05, 0.9·γ_L] (stability needs
 * γ_L > β), rounds T in {3, 5, 8}; arovr-alpha and arovr-alpha-beta add α in {0.5, 1, 2} and the
 * target rule, arovr-alpha-beta also λ; arovr-d adds the distance ρ in {0.5, 1, 2} (β below
 * 0.9·γ_L/(1 + ρ)) with T in {2, 3} outer rounds.
 */
export function sampleTrial(method: string, index: number, maxEpochs: number): TrialConfig {
  if (index === 0) return defaultTrial(method, maxEpochs);
  const random = new Random(`study/${method}/${index}`);
  const output = choice(random, ['squared', 'cross-entropy'] as const);
  const base: TrialConfig = {
    ...defaultTrial(method, maxEpochs),
    learningRate: rounded(logUniform(random, 3e-4, 3e-3)),
    epochs: Math.min(maxEpochs, choice(random, [3, 4, 5])),
    initScale: choice(random, [0.5, 1, 2]),
  };
  if (method === 'bp') return { ...base, loss: output === 'squared' ? 'bp-squared' : 'bp-cross-entropy' };
  const gammaOutput = choice(random, [1, 2]);
  const gamma = [choice(random, [0.25, 0.5, 1, 2]), choice(random, [0.25, 0.5, 1, 2]), gammaOutput];
  // AROVR^d's envelope distance ρ tightens stability to γ_L > (1 + ρ)β; its outer rounds each run inner solves, so fewer.
  const distance = method === 'arovr-d' ? choice(random, [0.5, 1, 2]) : 0;
  const lossOptions: Record<string, unknown> = {
    output,
    gamma,
    beta: rounded(logUniform(random, 0.05, (0.9 * gammaOutput) / (1 + distance))),
    rounds: method === 'arovr-d' ? choice(random, [2, 3]) : choice(random, [3, 5, 8]),
  };
  if (method === 'arovr-d') lossOptions.distance = distance;
  if (method === 'arovr-alpha-beta' || method === 'arovr-alpha') {
    lossOptions.alpha = choice(random, [0.5, 1, 2]);
    lossOptions.target = choice(random, ['highest-wrong', 'random-wrong']);
  }
  if (method === 'arovr-alpha-beta') lossOptions.mix = choice(random, [0.5, 1, 2]);
  return { ...base, lossOptions };
}
