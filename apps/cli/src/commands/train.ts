import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { accuracy, trainClassifier } from '@liftguard/models';
import { directoryCheckpoint, saveTfjsModel } from '@liftguard/models/node';
import type { Loss } from '@liftguard/losses';
import { writeFileAtomic } from '@liftguard/tensor/files';
import { liftedNetworkOf, lipschitzEstimates } from '@liftguard/losses';
import { trainingReport } from '@liftguard/report';
import { choiceOption, numberOption, requiredOption, seedOption } from '../args.js';
import type { Command, OptionValues } from '../command.js';
import type { Output } from '../output.js';
import { claimOutput } from '../output-target.js';
import { dataOptions, loadSplits } from '../data-options.js';
import { reportEnvironment } from '../environment.js';
import { CliError } from '../errors.js';
import { lossOptions, resolveLoss } from '../loss-options.js';
import { checkModelFitsImages, modelOptions, resolveModel, widthsOption } from '../model-options.js';
import { stopOnInterrupt } from '../interrupt.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a model with backprop or any registered loss; writes the model and a training report',
  usage: 'liftguard train --out DIR [--model mlp|cnn-light|cnn|DIR] [--loss NAME …] [--dataset mnist] [--epochs N]',
  examples: [
    'liftguard train --out runs/bp --train-size 5000 --epochs 20 --batch-size 50 --loss bp-squared',
    'liftguard train --out runs/arovr --train-size 5000 --loss arovr --beta 0.5 --gamma 1,1,1 --rounds 5',
    'liftguard train --out runs/cnn --model cnn-light --epochs 10 --batch-size 64 --lr-decay 0.7',
  ],
  options: {
    out: { type: 'string', placeholder: 'DIR', description: 'where the model (best on validation) and training-report.json go' },
    ...modelOptions,
    ...dataOptions,
    ...lossOptions,
    epochs: { type: 'string', placeholder: 'N', description: 'epochs', default: '10' },
    'batch-size': { type: 'string', placeholder: 'N', description: 'mini-batch size', default: '50' },
    optimizer: { type: 'string', placeholder: 'NAME', description: 'adam | sgd', default: 'adam' },
    lr: { type: 'string', placeholder: 'X', description: 'learning rate', default: '0.001' },
    'lr-decay': { type: 'string', placeholder: 'X', description: 'learning-rate factor per epoch', default: '1' },
    'save-format': { type: 'string', placeholder: 'FORMAT', description: 'liftguard, or tfjs to also write DIR/tfjs/model.json + weights.bin that plain tf.loadLayersModel reads', default: 'liftguard' },
  },
  async run({ values, output, backend }) {
    const out = requiredOption(values, 'out');
    const seed = seedOption(values);
    const epochs = numberOption(values, 'epochs', { min: 1, integer: true })!;
    const batchSize = numberOption(values, 'batch-size', { min: 1, integer: true })!;
    const learningRate = numberOption(values, 'lr', { min: Number.MIN_VALUE })!;
    const learningRateDecay = numberOption(values, 'lr-decay', { min: Number.MIN_VALUE, max: 1 })!;
    const optimizer = choiceOption(values, 'optimizer', ['adam', 'sgd'] as const)!;
    choiceOption(values, 'save-format', ['liftguard', 'tfjs'] as const);
    const loss = resolveLoss(values, seed);
    widthsOption(values);
    const lock = await claimOutput(out, values, 'train');
    try {
      await backend();
      await trainInto(out, values, output, { seed, epochs, batchSize, learningRate, learningRateDecay, optimizer, loss });
    } finally {
      loss.dispose?.();
      await lock.release();
    }
  },
};

interface TrainSettings {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  optimizer: 'adam' | 'sgd';
  loss: Loss;
}

/** Trains into the claimed folder: the best model as checkpoints, then the training report beside it. */
async function trainInto(out: string, values: OptionValues, output: Output, { seed, epochs, batchSize, learningRate, learningRateDecay, optimizer, loss }: TrainSettings): Promise<void> {
  const splits = await loadSplits(values);
  const { model, id } = await resolveModel(values, seed);
  checkModelFitsImages(model, splits.train.height, splits.train.width, splits.dataset);
  const isMlp = model.spec.layers.every((l) => l.type === 'dense' || l.type === 'relu' || l.type === 'flatten');
  const lipschitz: number[][] = [];
  const progress = output.progress(`train ${id} (${loss.name})`, epochs);
  const interrupt = stopOnInterrupt(() => output.note('liftguard: stopping after this batch (Ctrl-C again to abort); the best checkpoint is kept'));
  const started = performance.now();
  let result;
  try {
    result = await trainClassifier(model, {
      train: splits.train,
      ...(splits.validation.count > 0 ? { validation: splits.validation } : {}),
      epochs,
      batchSize,
      seed,
      loss,
      optimizer,
      learningRate,
      learningRateDecay,
      checkpoint: directoryCheckpoint(out, { onPreviousMoved: (previous) => output.note(`liftguard: the earlier result at ${out} was moved to ${previous}`) }),
      signal: interrupt.signal,
      onEvent: (event) => {
        if (event.type === 'batch') progress.update(event.epoch + (event.batch + 1) / event.batches, `loss ${event.loss.toFixed(4)}`);
        if (event.type === 'epoch') {
          progress.update(event.epoch + 1, `val ${event.validationAccuracy === undefined ? '—' : (100 * event.validationAccuracy).toFixed(2) + '%'}`);
          if (isMlp) lipschitz.push(lipschitzEstimates(liftedNetworkOf(model), { iterations: 30 }));
        }
      },
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  } finally {
    progress.stop();
    interrupt.dispose();
  }
  const testAccuracy = accuracy(model, splits.test);
  const seconds = (performance.now() - started) / 1000;
  const summary = {
    out,
    model: id,
    dataset: { name: splits.dataset, source: splits.source, train: splits.train.count, validation: splits.validation.count, test: splits.test.count },
    loss: { name: loss.name, config: loss.config },
    training: { epochs, batchSize, seed, optimizer, learningRate, learningRateDecay, stoppedEarly: interrupt.signal.aborted },
    history: result.history,
    bestEpoch: result.bestEpoch,
    bestValidationAccuracy: result.bestValidationAccuracy,
    testAccuracy,
    lipschitz,
    seconds,
  };
  const report = trainingReport(summary, reportEnvironment());
  await writeFileAtomic(join(out, 'training-report.json'), JSON.stringify(report, null, 2) + '\n');
  // The best weights are restored at the end: the same model, readable by plain tf.loadLayersModel.
  if (values['save-format'] === 'tfjs') await saveTfjsModel(model, join(out, 'tfjs'));
  output.result(summary, () =>
    [
      `trained ${id} with ${loss.name} on ${splits.dataset} (${splits.train.count} images) for ${result.history.length} epoch(s) in ${seconds.toFixed(1)} s`,
      `best validation accuracy ${result.bestValidationAccuracy === null ? '—' : (100 * result.bestValidationAccuracy).toFixed(2) + '%'} (epoch ${result.bestEpoch === null ? '—' : result.bestEpoch + 1}); test accuracy ${(100 * testAccuracy).toFixed(2)}%`,
      `model: ${out}; report: ${join(out, 'training-report.json')}`,
    ].join('\n'),
  );
  tf.dispose(model.trainableVariables as tf.Variable[]);
}
