// One training run of the tuning study: a trial config, a data subset and a seed; validation and
// test accuracy after every epoch (test is recorded, never used to choose anything).
import * as tf from '@tensorflow/tfjs-core';
import { experimentSplits, type Dataset } from '@liftguard/data';
import { createLoss, liftedNetworkOf, lipschitzEstimates } from '@liftguard/losses';
import { accuracy, mlp, trainClassifier, type SequentialClassifier } from '@liftguard/models';
import type { TrialConfig } from './study-space.js';

export interface StudyRun {
  id: string;
  dataset: string;
  trainSize: number;
  seed: number;
  config: TrialConfig;
  /** Resolved loss hyperparameters (`loss.config`). */
  lossConfig: Record<string, unknown>;
  validationPerEpoch: number[];
  testPerEpoch: number[];
  trainLossPerEpoch: number[];
  /** 0-based epoch of the best validation accuracy. */
  bestEpoch: number;
  bestValidation: number;
  /** Test accuracy at the best-on-validation epoch and at the last epoch. */
  testAtBest: number;
  testAtLast: number;
  /** ‖W2W1W0‖₂ of the weights the run ends with. */
  lipschitz: number;
  seconds: number;
  error?: string;
}

/** Trains one fresh MLP; hands the trained model to `inspect` before disposing it. */
export async function trainStudyRun(
  id: string,
  config: TrialConfig,
  data: Dataset,
  { trainSize, seed, log, inspect }: { trainSize: number; seed: number; log: (line: string) => void; inspect?: (model: SequentialClassifier) => Promise<void> },
): Promise<StudyRun> {
  const started = performance.now();
  const splits = experimentSplits(data, { trainSize, validationSize: 10_000 });
  const model = mlp(config.widths, { seed });
  if (config.initScale !== 1) tf.tidy(() => model.trainableVariables.forEach((v) => v.assign(tf.mul(v, config.initScale))));
  const loss = createLoss(config.loss, config.lossOptions);
  const testPerEpoch: number[] = [];
  const base = { id, dataset: data.name, trainSize, seed, config, lossConfig: { ...loss.config } };
  try {
    const result = await trainClassifier(model, {
      train: splits.train,
      validation: splits.validation,
      epochs: config.epochs,
      batchSize: 50,
      seed,
      loss,
      optimizer: config.optimizer,
      learningRate: config.learningRate,
      restoreBest: config.restoreBest,
      onEvent: (e) => {
        if (e.type !== 'epoch') return;
        testPerEpoch.push(accuracy(model, splits.test));
        log(`  ${id} epoch ${e.epoch + 1}/${config.epochs}: loss ${e.trainLoss.toFixed(4)}, val ${(100 * (e.validationAccuracy ?? NaN)).toFixed(2)}%, ${e.trainSeconds.toFixed(1)} s`);
      },
    });
    const validationPerEpoch = result.history.map((h) => h.validationAccuracy ?? Number.NaN);
    const bestEpoch = result.bestEpoch ?? validationPerEpoch.length - 1;
    if (inspect) await inspect(model);
    const run: StudyRun = {
      ...base,
      validationPerEpoch,
      testPerEpoch,
      trainLossPerEpoch: result.history.map((h) => h.trainLoss),
      bestEpoch,
      bestValidation: validationPerEpoch[bestEpoch]!,
      testAtBest: testPerEpoch[bestEpoch]!,
      testAtLast: testPerEpoch[testPerEpoch.length - 1]!,
      lipschitz: lipschitzEstimates(liftedNetworkOf(model))[0]!,
      seconds: (performance.now() - started) / 1000,
    };
    log(`  ${id}: val ${(100 * run.bestValidation).toFixed(2)}% (epoch ${bestEpoch + 1}), test at best ${(100 * run.testAtBest).toFixed(2)}%, at last ${(100 * run.testAtLast).toFixed(2)}%, ${run.seconds.toFixed(0)} s`);
    return run;
  } catch (error) {
    // A diverging or refused trial is a result of the search, not a reason to stop it.
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`  ${id}: failed: ${message}`);
    return { ...base, validationPerEpoch: [], testPerEpoch, trainLossPerEpoch: [], bestEpoch: -1, bestValidation: 0, testAtBest: Number.NaN, testAtLast: Number.NaN, lipschitz: Number.NaN, seconds: (performance.now() - started) / 1000, error: message };
  } finally {
    loss.dispose?.();
    model.dispose();
  }
}
