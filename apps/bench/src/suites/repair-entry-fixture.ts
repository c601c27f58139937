// Repair entries built in code for the report's tests: a w̄ and one repaired candidate per entry.
import type { CandidateEvaluation, RepairExperimentResult } from './repair-experiment.js';
import { paperRecipe } from './repair-models.js';
import { entryId, type RepairEntry } from './repair-report.js';

/** Accuracies per ε 0.05 / 0.1 / 0.2 as shares. */
export const acc = (...percent: number[]) => percent.map((p) => p / 100);

export function evaluation(candidate: number, pgd: number[], suite: number[] | null, adaptive = true): CandidateEvaluation {
  const robust = { fgsm: pgd.map((p) => Math.min(1, p + 0.1)), pgd };
  return {
    candidate,
    cleanAccuracy: candidate === 0 ? 0.99 : 0.98,
    adversarialSetAccuracy: candidate === 0 ? 0 : 1,
    transfer: robust,
    // As the experiment records it: w̄'s row always has the attacks, a repaired model's only when adaptive.
    adaptive: candidate === 0 || adaptive ? robust : null,
    suite: suite && { version: 'standard', robustAccuracy: suite, stages: [], seconds: 1, maskingWarnings: [] },
    adaptiveSeconds: candidate === 0 ? null : 1,
  };
}

/** One CNNLight entry with |X_adv| = 10, a w̄ and one repaired candidate (k = 3) chosen at M 20, ω 0.6. */
export function entry(options: { clip: boolean; suite: boolean; testCount: number; before: number[]; after: number[]; suiteBefore?: number[]; suiteAfter?: number[]; finishedAt: string; size?: number; load?: number; adaptive?: boolean; weights?: string; offset?: number }): RepairEntry {
  const adaptive = options.adaptive ?? true;
  const size = options.size ?? 10;
  const load = options.load ?? 1;
  const recipe = paperRecipe('cnn-light');
  const candidate = (index: number, iteration: number) => ({ index, iteration, violation: index === 0 ? 10 : 0, cleanError: 0.01, violatedCount: index === 0 ? 10 : 0, changeNorm: index === 0 ? 0 : 1, cleanLoss: 0 });
  const result: RepairExperimentResult = {
    backend: 'cpu',
    parameterCount: 100,
    config: {
      sizes: [size],
      omegas: [0.6],
      iterations: [20],
      sourceCount: 3_000,
      cleanCount: 1_000,
      validationCount: 1_000,
      testCount: options.testCount,
      ...(options.offset ? { testOffset: options.offset } : {}),
      adversarial: { epsilon: 0.1, steps: 40, stepSize: 0.01, randomStart: true, clip: options.clip, seed: 7 },
      evaluation: { epsilons: [0.05, 0.1, 0.2], bounds: options.clip ? [0, 1] : null, seed: 11, batchSize: 500, pgdSteps: 40, loss: 'cross-entropy', autoAttack: options.suite ? 'standard' : null },
      adaptive,
      margin: 0.1,
      cleanLossTolerance: 0.05,
      batchSize: 500,
    },
    original: { cleanAccuracy: 0.99, robustAccuracy: { fgsm: options.before, pgd: options.before }, transferGenerationSeconds: 1 },
    adversarialPool: { sourceCount: 3_000, robustAccuracy: 0.1, misclassified: 2_500, seconds: 1 },
    runs: [
      {
        size,
        adversarialSet: { sourceIndices: [], labels: [], violations: [] },
        maxIterations: 20,
        repairSeconds: 1,
        stopReason: 'max-iterations',
        parameterCount: 100,
        trace: [],
        meanGradientMs: 1,
        meanSolveMs: 1,
        meanEvaluateMs: 1,
        pool: [candidate(0, 0), candidate(1, 3)],
        paretoFront: [0, 1],
        selections: [{ iterations: 20, omega: 0.6, candidate: 1 }],
        evaluations: [evaluation(0, options.before, options.suiteBefore ?? null), evaluation(1, options.after, options.suiteAfter ?? null, adaptive)],
      },
    ],
    machine: { cpus: 2, loadAverageStart: [load, load, load], loadAverageEnd: [load, load, load] },
  };
  return { id: entryId(recipe, result, false), quick: false, recipe, pretrainSeconds: null, weightsSha256: options.weights ?? 'w1', result, machine: { date: '', node: '', platform: '' }, finishedAt: options.finishedAt };
}

