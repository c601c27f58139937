// One training run of the AROVR paper experiment (LIFTED.md §4): one method, dataset, subset and seed.
import { experimentSplits, type Dataset, type DatasetName } from '@liftguard/data';
import { createLoss, liftedNetworkOf, lipschitzEstimates } from '@liftguard/losses';
import { accuracy, mlp, trainClassifier, type EpochRecord } from '@liftguard/models';
import { median } from '../timing.js';

/** The methods of the paper's table, by their registered loss names. */
export const paperMethods = [
  'bp-squared',
  'simple-adversarial',
  'rovr',
  'arovr',
  'arovr-gamma',
  'arovr-alpha',
  'arovr-alpha-beta',
  'arovr-g-alpha-beta',
] as const;

/** Further registered losses `--methods` accepts, outside the default grid (not run for the results). */
export const extraMethods = ['arovr-d'] as const;

/** What one run trains on and how (everything that makes two runs comparable). */
export interface ExperimentSetting {
  dataset: DatasetName;
  trainSize: number;
  /** The last `validationSize` training images pick the best epoch. */
  validationSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  widths: number[];
}

/** LIFTED.md §4 (the authors' script): MLP 784-128-128-10, Adam 1e-3, batch 50, 20 epochs, 10k validation. */
export function paperSetting(dataset: DatasetName, trainSize: number, epochs = 20): ExperimentSetting {
  return { dataset, trainSize, validationSize: 10_000, epochs, batchSize: 50, learningRate: 1e-3, widths: [784, 128, 128, 10] };
}

export interface MethodRun {
  id: string;
  method: string;
  seed: number;
  setting: ExperimentSetting;
  /** True for the CI-sized `--quick` run. */
  quick: boolean;
  backend: string;
  /** Every resolved hyperparameter of the loss (`loss.config`). */
  lossConfig: Record<string, unknown>;
  /** Test accuracy of the best-on-validation epoch's weights. */
  testAccuracy: number;
  bestEpoch: number | null;
  bestValidationAccuracy: number | null;
  history: EpochRecord[];
  /** ‖W_{L−1}…W_k‖₂ for k = 0..L−1, at initialization (row 0) and after every epoch. */
  lipschitz: number[][];
  medianEpochSeconds: number;
  finishedAt: string;
}

export const runId = (method: string, setting: ExperimentSetting, seed: number, quick: boolean) =>
  `${setting.dataset}-${setting.trainSize}-e${setting.epochs}-${method}-s${seed}${quick ? '-quick' : ''}`;


/** Trains one fresh MLP with one loss and scores its best-on-validation weights on the test images. */
export async function trainMethod(
  method: string,
  data: Dataset,
  setting: ExperimentSetting,
  { seed, quick, backend, log = () => {} }: { seed: number; quick: boolean; backend: string; log?: (line: string) => void },
): Promise<MethodRun> {
  const splits = experimentSplits(data, { trainSize: setting.trainSize, validationSize: setting.validationSize });
  const model = mlp(setting.widths, { seed });
  const loss = createLoss(method, {});
  const network = liftedNetworkOf(model);
  const lipschitz = [lipschitzEstimates(network)];
  const id = runId(method, setting, seed, quick);
  try {
    const { history, bestEpoch, bestValidationAccuracy } = await trainClassifier(model, {
      train: splits.train,
      validation: splits.validation,
      epochs: setting.epochs,
      batchSize: setting.batchSize,
      seed,
      loss,
      optimizer: 'adam',
      learningRate: setting.learningRate,
      onEvent: (e) => {
        if (e.type !== 'epoch') return;
        // The epoch hook sees the weights just trained, before best-epoch restoration.
        lipschitz.push(lipschitzEstimates(network));
        const gap = e.diagnostics?.gap === undefined ? '' : `, gap ${e.diagnostics.gap.toFixed(4)}`;
        log(`  ${id} epoch ${e.epoch + 1}/${setting.epochs}: loss ${e.trainLoss.toFixed(4)}${gap}, validation ${(100 * (e.validationAccuracy ?? NaN)).toFixed(2)}%, ${e.trainSeconds.toFixed(1)} s, ‖W2W1W0‖ ${lipschitz[lipschitz.length - 1]![0]!.toFixed(2)}`);
      },
    });
    const testAccuracy = accuracy(model, splits.test);
    const run: MethodRun = {
      id,
      method,
      seed,
      setting,
      quick,
      backend,
      lossConfig: { ...loss.config },
      testAccuracy,
      bestEpoch,
      bestValidationAccuracy,
      history,
      lipschitz,
      medianEpochSeconds: median(history.map((h) => h.trainSeconds)),
      finishedAt: new Date().toISOString(),
    };
    log(`  ${id}: test ${(100 * testAccuracy).toFixed(2)}% (best epoch ${(bestEpoch ?? 0) + 1}), median epoch ${run.medianEpochSeconds.toFixed(2)} s`);
    return run;
  } finally {
    loss.dispose?.();
    model.dispose();
  }
}
