// AROVR (T = 5) epoch time vs a BP epoch in LiftGuard, and vs the same algorithm in PyTorch, in one run.
import { loadavg } from 'node:os';
import type { Dataset } from '@liftguard/data';
import { experimentSplits } from '@liftguard/data';
import { createLoss } from '@liftguard/losses';
import { mlp, trainClassifier } from '@liftguard/models';
import { runPython } from '../pytorch.js';
import { median } from '../timing.js';

export interface SpeedResult {
  images: number;
  batchSize: number;
  widths: number[];
  rounds: number;
  repeats: number;
  backend: string;
  liftguard: { bpEpochSeconds: number[]; arovrEpochSeconds: number[] };
  pytorch: { bpEpochSeconds: number[]; arovrEpochSeconds: number[]; threads: number; version: string } | null;
  /** Medians (and minima) of the epoch times and their ratios; targets: ≤ 5 and ≤ 1.5. */
  ratios: {
    arovrOverBp: { median: number; fastest: number };
    pytorchArovrOverBp: { median: number; fastest: number } | null;
    liftguardOverPytorchArovr: { median: number; fastest: number } | null;
    liftguardOverPytorchBp: { median: number; fastest: number } | null;
  };
  /** 1-, 5- and 15-minute load averages at the end (2 shared cores). */
  loadAverage: number[];
  finishedAt: string;
}

const ratio = (a: number[], b: number[]) => ({ median: median(a) / median(b), fastest: Math.min(...a) / Math.min(...b) });

/** Epoch times of one loss: `repeats` epochs after one untimed warm-up epoch. */
async function epochSeconds(method: string, train: Dataset['train'], widths: number[], batchSize: number, repeats: number, rounds: number): Promise<number[]> {
  const model = mlp(widths, { seed: 1 });
  const loss = createLoss(method, method === 'arovr' ? { rounds } : {});
  try {
    const { history } = await trainClassifier(model, { train, epochs: repeats + 1, batchSize, seed: 1, loss, optimizer: 'adam', learningRate: 1e-3 });
    return history.slice(1).map((h) => h.trainSeconds);
  } finally {
    loss.dispose?.();
    model.dispose();
  }
}

export async function speedComparison(
  data: Dataset,
  script: string | null,
  { images, batchSize = 50, repeats = 3, rounds = 5, backend, widths = [784, 128, 128, 10] }: { images: number; batchSize?: number; repeats?: number; rounds?: number; backend: string; widths?: number[] },
): Promise<SpeedResult> {
  const { train } = experimentSplits(data, { trainSize: images, validationSize: 0 });
  const bp = await epochSeconds('bp-squared', train, widths, batchSize, repeats, rounds);
  const arovr = await epochSeconds('arovr', train, widths, batchSize, repeats, rounds);
  // The PyTorch peer runs right after on the same images, single-threaded like wasm in Node.
  const peer = script === null
    ? null
    : runPython<{ bpEpochSeconds: number[]; arovrEpochSeconds: number[]; threads: number; torch: string }>(script, {
        mode: 'epoch',
        count: images,
        batchSize,
        rounds,
        beta: 0.5,
        widths,
        repeats,
        threads: 1,
        images: data.files.trainImages,
        labels: data.files.trainLabels,
      });
  return {
    images,
    batchSize,
    widths,
    rounds,
    repeats,
    backend,
    liftguard: { bpEpochSeconds: bp, arovrEpochSeconds: arovr },
    pytorch: peer && { bpEpochSeconds: peer.bpEpochSeconds, arovrEpochSeconds: peer.arovrEpochSeconds, threads: peer.threads, version: peer.torch },
    ratios: {
      arovrOverBp: ratio(arovr, bp),
      pytorchArovrOverBp: peer && ratio(peer.arovrEpochSeconds, peer.bpEpochSeconds),
      liftguardOverPytorchArovr: peer && ratio(arovr, peer.arovrEpochSeconds),
      liftguardOverPytorchBp: peer && ratio(bp, peer.bpEpochSeconds),
    },
    loadAverage: loadavg(),
    finishedAt: new Date().toISOString(),
  };
}
