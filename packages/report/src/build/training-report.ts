import type { Block } from '../schema/blocks.js';
import type { Environment } from '../schema/common.js';
import type { DocumentReport } from '../schema/report.js';
import { configurationBlock, documentReport } from './document-report.js';

/** One epoch of a training run, as @liftguard/models' trainer records it. */
export interface TrainingEpoch {
  epoch: number;
  learningRate: number;
  trainLoss: number;
  validationAccuracy?: number | undefined;
  seconds: number;
}

/** What a training report shows: the resolved configuration, the epochs and optional Lipschitz estimates per epoch. */
export interface TrainingSummary {
  model: string;
  loss: { name: string; config: unknown };
  dataset: { name: string };
  history: readonly TrainingEpoch[];
  /** Per epoch, ‖W_{L−1}…W_k‖₂ for k = 0 (input), 1, …; empty when not measured. */
  lipschitz: readonly (readonly number[])[];
}

/** The document report of one training run: configuration, an epoch table, validation accuracy and Lipschitz curves. */
export function trainingReport(summary: TrainingSummary, environment: Environment): DocumentReport {
  const { history, lipschitz } = summary;
  const blocks: Block[] = [
    configurationBlock('Resolved configuration', summary, ['history', 'lipschitz']),
    {
      type: 'table',
      title: 'Epochs',
      header: ['epoch', 'learning rate', 'train loss', 'validation accuracy', 'seconds'],
      rows: history.map((e) => [e.epoch + 1, e.learningRate, e.trainLoss, e.validationAccuracy ?? null, e.seconds]),
    },
    {
      type: 'line-chart',
      title: 'Validation accuracy per epoch',
      x: { label: 'epoch' },
      y: { label: 'accuracy' },
      series: [{ name: summary.loss.name, points: history.filter((e) => e.validationAccuracy !== undefined).map((e) => [e.epoch + 1, e.validationAccuracy!]) }],
    },
  ];
  if (lipschitz.length > 0) {
    blocks.push({
      type: 'line-chart',
      title: 'Lipschitz estimate ‖W_{L−1}…W_k‖₂ per epoch',
      x: { label: 'epoch' },
      y: { label: '‖W_{L−1}…W_k‖₂', scale: 'log' },
      series: lipschitz[0]!.map((_, k) => ({ name: k === 0 ? 'input (k = 0)' : `layer ${k}`, points: lipschitz.map((row, e) => [e + 1, row[k]!] as [number, number]) })),
    });
  }
  return documentReport(`Training ${summary.model} with ${summary.loss.name} on ${summary.dataset.name}`, environment, blocks);
}
