// The paper's experiment for one pre-trained model: X_adv from the training split, one
// cutting-plane repair per |X_adv|, selection per (M, ω), test-set evaluation of every chosen point.
import { cpus, loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { readParameters, repairClassifier, selectCandidate, selectParameters, writeParameters, type Candidate, type IterationTrace } from '@liftguard/cutting-plane';
import { imagesTensor, sliceImageSet, type ImageSet } from '@liftguard/data';
import type { Classifier } from '@liftguard/tensor';
import { adversarialPool, selectAdversarialSet, type AdversarialSetRecipe } from '@liftguard/attacks';
import { repairIterationsOf } from './repair-iterations.js';
import { accuracyOf, adaptiveAccuracy, predictClasses, suiteEvaluation, TransferSet, type EvaluationSettings, type RobustAccuracy, type SuiteEvaluation, type TestSet } from './repair-evaluation.js';

export interface RepairExperimentConfig {
  /** |X_adv| values; each is k per class × 10 classes. */
  sizes: number[];
  omegas: number[];
  /** M values: one repair runs `repairIterations` iterations; smaller M select from the prefix of its pool. */
  iterations: number[];
  /** Iterations of the repair (≥ every M); absent: max(M). Lets a run evaluate only smaller M of a longer repair. */
  repairIterations?: number;
  /** Training images attacked to draw X_adv from (the first ones of the split). */
  sourceCount: number;
  /** Training images after the source ones for the clean-loss constraint. */
  cleanCount: number;
  /** Training images after those for E, the clean error used in selection. */
  validationCount: number;
  /** Test images evaluated, from `testOffset` on (10,000 = all). */
  testCount: number;
  /** The first test image evaluated (absent: 0); a run on a later range is a shard of a larger evaluation. */
  testOffset?: number;
  adversarial: AdversarialSetRecipe;
  evaluation: EvaluationSettings;
  /** Run fresh white-box attacks on every chosen repaired model. */
  adaptive: boolean;
  margin: number;
  cleanLossTolerance: number;
  /** Forward-pass batch size. */
  batchSize: number;
}

/** A pool candidate without its parameters. */
export type CandidateSummary = Omit<Candidate, 'parameters'>;

export interface CandidateEvaluation {
  candidate: number;
  cleanAccuracy: number;
  /** Accuracy on X_adv itself. */
  adversarialSetAccuracy: number;
  transfer: RobustAccuracy;
  /** Fresh attacks on this model (for candidate 0 these are the transfer attacks themselves). */
  adaptive: RobustAccuracy | null;
  /** The AutoAttack suite on this model (fresh, white-box plus Square); absent in entries from before the suite. */
  suite?: SuiteEvaluation | null;
  adaptiveSeconds: number | null;
  /** Set on an evaluation merged in from an earlier session of the same repair: when that session finished. */
  measuredAt?: string;
}

export interface RepairRun {
  size: number;
  adversarialSet: { sourceIndices: number[]; labels: number[]; violations: number[] };
  maxIterations: number;
  /** Wall time of the repairClassifier call. */
  repairSeconds: number;
  stopReason: string;
  parameterCount: number;
  /** Per-iteration trace; `solvePhases` is absent in entries recorded before the solver reported it. */
  trace: (Omit<IterationTrace, 'kkt' | 'solvePhases'> & { solvePhases?: IterationTrace['solvePhases'] })[];
  meanGradientMs: number;
  meanSolveMs: number;
  meanEvaluateMs: number;
  pool: CandidateSummary[];
  paretoFront: number[];
  /** The chosen candidate for every (M, ω). */
  selections: { iterations: number; omega: number; candidate: number }[];
  evaluations: CandidateEvaluation[];
}

export interface RepairExperimentResult {
  backend: string;
  parameterCount: number;
  config: RepairExperimentConfig;
  original: {
    cleanAccuracy: number;
    robustAccuracy: RobustAccuracy;
    transferGenerationSeconds: number;
    suite?: SuiteEvaluation | null;
    /** The entry w̄'s suite was taken from (same weights, test images and settings) instead of run again. */
    suiteReusedFrom?: string;
  };
  adversarialPool: { sourceCount: number; robustAccuracy: number; misclassified: number; seconds: number };
  runs: RepairRun[];
  machine: { cpus: number; loadAverageStart: number[]; loadAverageEnd: number[] };
}

/** Sets the classifier's parameters to `values` for the duration of `body`. */
async function withParameters<T>(variables: tf.Variable[], values: Float32Array, original: Float32Array, body: () => Promise<T>): Promise<T> {
  writeParameters(variables, values);
  try {
    return await body();
  } finally {
    writeParameters(variables, original);
  }
}

/** Robust accuracy per ε, time and masking warnings in one log line. */
function suiteLine(suite: SuiteEvaluation): string {
  const warnings = suite.maskingWarnings.length === 0 ? 'no masking warnings' : `masking warnings: ${suite.maskingWarnings.map((w) => w.check).join(', ')}`;
  return `${suite.robustAccuracy.map((a) => (100 * a).toFixed(1)).join('/')}% (${suite.seconds.toFixed(0)} s; ${warnings})`;
}

const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** w̄'s suite from an earlier run on the same weights, test images and evaluation settings. */
export interface ReusedSuite {
  suite: SuiteEvaluation;
  /** The id of the entry it comes from. */
  from: string;
}

/**
 * Runs the experiment on `classifier` (left with its original parameters). `train` is the
 * training split X_adv, the clean and the validation subsets come from; `test` the test split.
 * `onRun` sees the partial result after every |X_adv|, so long runs can be saved as they go.
 * With `reused`, w̄'s suite is not run again (it is seeded: the same code gives the same result).
 */
export async function runRepairExperiment(
  classifier: Classifier,
  train: ImageSet,
  test: ImageSet,
  config: RepairExperimentConfig,
  log: (line: string) => void = console.log,
  onRun?: (partial: RepairExperimentResult) => void | Promise<void>,
  reused?: ReusedSuite,
): Promise<RepairExperimentResult> {
  const loadAverageStart = loadavg();
  const numClasses = classifier.numClasses;
  const inputShape = [...classifier.inputShape];
  const toTensor = (set: ImageSet) => imagesTensor(set, inputShape);
  const { sourceCount, cleanCount, validationCount } = config;
  if (sourceCount + cleanCount + validationCount > train.count) throw new Error(`source + clean + validation images exceed the ${train.count} training images`);
  const source = sliceImageSet(train, 0, sourceCount);
  const cleanSet = sliceImageSet(train, sourceCount, sourceCount + cleanCount);
  const validationSet = sliceImageSet(train, sourceCount + cleanCount, sourceCount + cleanCount + validationCount);
  const testOffset = config.testOffset ?? 0;
  if (testOffset + config.testCount > test.count) throw new Error(`test images ${testOffset}..${testOffset + config.testCount - 1} exceed the ${test.count} of the test split`);
  const testSlice = sliceImageSet(test, testOffset, testOffset + config.testCount);
  const testSet: TestSet = { x: toTensor(testSlice), labels: testSlice.labels };
  const clean = { x: toTensor(cleanSet), labels: cleanSet.labels };
  const validation = { x: toTensor(validationSet), labels: validationSet.labels };
  const variables = selectParameters(classifier, 'all');
  const original = readParameters(variables);
  let transfer: TransferSet | undefined;

  try {
    const cleanAccuracy = accuracyOf(predictClasses(classifier, testSet.x, config.batchSize), testSet.labels);
    log(`  original: clean accuracy ${(100 * cleanAccuracy).toFixed(2)}% on ${testSlice.count} test images${testOffset > 0 ? ` from image ${testOffset}` : ''}; attacking ${sourceCount} training images for X_adv`);
    const sourceX = toTensor(source);
    // The pool keeps plain arrays: every |X_adv| below is drawn from this one attack.
    const pool = await adversarialPool(classifier, { x: sourceX, labels: source.labels }, config.adversarial, { batchSize: config.batchSize }).finally(() => sourceX.dispose());
    const misclassified = pool.violations.filter((v) => v > 0).length;
    log(`  X_adv pool: ${misclassified}/${sourceCount} misclassified after PGD (${pool.seconds.toFixed(0)} s); generating transfer attacks on the test images`);
    transfer = await TransferSet.generate(classifier, testSet, config.evaluation);
    log(`  original: FGSM ${transfer.originalAccuracy.fgsm.map((a) => (100 * a).toFixed(1)).join('/')}%, PGD ${transfer.originalAccuracy.pgd.map((a) => (100 * a).toFixed(1)).join('/')}% at ε ${config.evaluation.epsilons.join('/')} (${transfer.seconds.toFixed(0)} s)`);
    const originalSuite = reused?.suite ?? (await suiteEvaluation(classifier, testSet, config.evaluation, { epsilons: config.evaluation.epsilons, robustAccuracy: transfer.originalAccuracy.fgsm, cleanAccuracy }));
    if (originalSuite) log(`  original: AutoAttack (${originalSuite.version}) ${suiteLine(originalSuite)}${reused ? ` (reused from ${reused.from})` : ''}`);

    const result: RepairExperimentResult = {
      backend: tf.getBackend(),
      parameterCount: original.length,
      config,
      original: { cleanAccuracy, robustAccuracy: transfer.originalAccuracy, transferGenerationSeconds: transfer.seconds, suite: originalSuite, ...(reused ? { suiteReusedFrom: reused.from } : {}) },
      adversarialPool: { sourceCount, robustAccuracy: pool.robustAccuracy, misclassified, seconds: pool.seconds },
      runs: [],
      machine: { cpus: cpus().length, loadAverageStart, loadAverageEnd: loadavg() },
    };

    const maxIterations = repairIterationsOf(config);
    for (const size of config.sizes) {
      if (size % numClasses !== 0) throw new Error(`|X_adv| = ${size} is not a multiple of ${numClasses} classes`);
      const adversarial = selectAdversarialSet(pool, size / numClasses, numClasses, { misclassifiedOnly: true });
      try {
        log(`  |X_adv| = ${size}: repair with M = ${maxIterations} on ${original.length} parameters`);
        const started = performance.now();
        const repair = await repairClassifier({
          classifier,
          adversarial: { x: adversarial.x, labels: adversarial.labels },
          clean,
          validation,
          margin: config.margin,
          cleanLoss: { tolerance: config.cleanLossTolerance },
          // The paper's rule: cuts on the constraints' boundary (results/repair.md was measured so).
          overshoot: 0,
          maxIterations,
          batchSize: config.batchSize,
          leave: 'original',
          onIteration: (t) =>
            log(`    k=${t.iteration}: ${t.violatedConstraints} violated, ${t.cuts} cuts, ${t.qpStatus}${t.soft ? ' (soft)' : ''}, ‖Δw‖ ${t.changeNorm.toFixed(3)}, grad ${t.gradientMs.toFixed(0)} ms, solve ${t.solveMs.toFixed(0)} ms, eval ${t.evaluateMs.toFixed(0)} ms`),
        });
        const repairSeconds = (performance.now() - started) / 1000;
        log(`  |X_adv| = ${size}: ${repair.stopReason} after ${repair.trace.length} iterations, ${repairSeconds.toFixed(1)} s`);
        const selections = config.iterations.flatMap((m) => {
          const prefix = repair.pool.filter((c) => c.iteration <= m);
          return config.omegas.map((omega) => ({ iterations: m, omega, candidate: prefix[selectCandidate(prefix, omega)]!.index }));
        });
        const run: RepairRun = {
          size,
          adversarialSet: { sourceIndices: adversarial.sourceIndices, labels: [...adversarial.labels], violations: adversarial.violations },
          maxIterations,
          repairSeconds,
          stopReason: repair.stopReason,
          parameterCount: original.length,
          trace: repair.trace.map(({ kkt: _kkt, ...rest }) => rest),
          meanGradientMs: mean(repair.trace.map((t) => t.gradientMs)),
          meanSolveMs: mean(repair.trace.map((t) => t.solveMs)),
          meanEvaluateMs: mean(repair.trace.map((t) => t.evaluateMs)),
          pool: repair.pool.map(({ parameters: _parameters, ...rest }) => rest),
          paretoFront: repair.paretoFront.map((c) => c.index),
          selections,
          evaluations: [],
        };
        result.runs.push(run);
        // w̄ is always evaluated: its row is the "before" of every table.
        const candidates = [...new Set([0, ...selections.map((s) => s.candidate)])].sort((a, b) => a - b);
        for (const index of candidates) {
          const candidate = repair.pool[index]!;
          const evaluation = await withParameters(variables, candidate.parameters, original, async () => {
            const started = performance.now();
            const fresh = index !== 0 && config.adaptive ? await adaptiveAccuracy(classifier, testSet, config.evaluation) : null;
            const adaptive = index === 0 ? transfer!.originalAccuracy : fresh?.accuracy ?? null;
            return {
              candidate: index,
              suite: index === 0 ? originalSuite : fresh?.suite ?? null,
              cleanAccuracy: accuracyOf(predictClasses(classifier, testSet.x, config.batchSize), testSet.labels),
              adversarialSetAccuracy: accuracyOf(predictClasses(classifier, adversarial.x, config.batchSize), adversarial.labels),
              transfer: transfer!.evaluate(classifier, testSet.labels, config.batchSize),
              adaptive,
              adaptiveSeconds: index === 0 || !config.adaptive ? null : (performance.now() - started) / 1000,
            };
          });
          run.evaluations.push(evaluation);
          const pct = (values: number[]) => values.map((a) => (100 * a).toFixed(1)).join('/');
          log(
            `    candidate ${index} (iteration ${candidate.iteration}): clean ${(100 * evaluation.cleanAccuracy).toFixed(2)}%, transfer FGSM ${pct(evaluation.transfer.fgsm)} PGD ${pct(evaluation.transfer.pgd)}` +
              (evaluation.adaptive && index !== 0 ? `, adaptive FGSM ${pct(evaluation.adaptive.fgsm)} PGD ${pct(evaluation.adaptive.pgd)} (${evaluation.adaptiveSeconds!.toFixed(0)} s)` : '') +
              (evaluation.suite && index !== 0 ? `, AutoAttack ${suiteLine(evaluation.suite)}` : ''),
          );
        }
        result.machine.loadAverageEnd = loadavg();
        await onRun?.(result);
      } finally {
        adversarial.x.dispose();
      }
    }
    return result;
  } finally {
    writeParameters(variables, original);
    transfer?.dispose();
    tf.dispose([testSet.x, clean.x, validation.x]);
  }
}
