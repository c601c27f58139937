// Clean accuracy of the experiments' models trained with BP, and training epoch time next to
// the same training in PyTorch (same data, model, batch size, optimizer) in the same run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { experimentSplits, loadDataset, type Dataset, type DatasetName } from '@liftguard/data';
import { accuracy, cnn, cnnLight, mlp, trainClassifier, type EpochRecord, type SequentialClassifier } from '@liftguard/models';
import { initBackend } from '@liftguard/tensor';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { peerScript, pytorchVersion, runPython } from '../pytorch.js';
import type { BenchSuite } from '../suite.js';
import { median } from '../timing.js';

interface RunConfig {
  id: string;
  model: 'mlp' | 'cnn-light' | 'cnn';
  dataset: DatasetName;
  trainSize: number;
  /** Best-on-validation with the last 10k training images (the lifted-network protocol). */
  validation: boolean;
  epochs: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  loss: 'cross-entropy' | 'squared';
}

interface RunResult {
  config: RunConfig;
  quick: boolean;
  backend: string;
  testAccuracy: number;
  bestEpoch: number | null;
  history: EpochRecord[];
  medianEpochSeconds: number;
  pytorch?: { epochSeconds: number[]; medianEpochSeconds: number; testAccuracy: number; threads: number; version: string };
  /** LiftGuard epoch time / PyTorch epoch time. */
  slowdown?: number;
  finishedAt: string;
}

// LIFTED.md §4: MLP 784-128-128-10, squared loss, Adam 1e-3, batch 50, 20 epochs, lifted init.
const mlpRun = (dataset: DatasetName, trainSize: number): RunConfig => ({
  id: `mlp-${dataset}-${trainSize / 1000}k`,
  model: 'mlp',
  dataset,
  trainSize,
  validation: true,
  epochs: 20,
  batchSize: 50,
  learningRate: 1e-3,
  learningRateDecay: 1,
  loss: 'squared',
});
// CUTTING_PLANE.md §5: Adam 1e-3, ×0.7 per epoch, 10 epochs, batch 64, cross-entropy, all 60k images.
const cnnRun = (model: 'cnn-light' | 'cnn'): RunConfig => ({
  id: `${model}-mnist-60k`,
  model,
  dataset: 'mnist',
  trainSize: 60_000,
  validation: false,
  epochs: 10,
  batchSize: 64,
  learningRate: 1e-3,
  learningRateDecay: 0.7,
  loss: 'cross-entropy',
});

const fullRuns: RunConfig[] = [
  mlpRun('mnist', 5_000),
  mlpRun('fashion-mnist', 5_000),
  mlpRun('mnist', 50_000),
  mlpRun('fashion-mnist', 50_000),
  cnnRun('cnn-light'),
  cnnRun('cnn'),
];
const quickRuns: RunConfig[] = [
  { ...mlpRun('mnist', 5_000), id: 'quick-mlp-mnist-5k', epochs: 2 },
  { ...cnnRun('cnn-light'), id: 'quick-cnn-light-mnist-5k', trainSize: 5_000, epochs: 1 },
];

function build(config: RunConfig): SequentialClassifier {
  if (config.model === 'mlp') return mlp([784, 128, 128, 10], { seed: 1 });
  return config.model === 'cnn-light' ? cnnLight({ seed: 1 }) : cnn({ seed: 1 });
}


async function runOne(config: RunConfig, data: Dataset, backend: string, quick: boolean, pytorchThreads: number | null, root: string): Promise<RunResult> {
  const splits = experimentSplits(data, { trainSize: config.validation ? config.trainSize : Math.min(config.trainSize, data.train.count), validationSize: config.validation ? 10_000 : 0 });
  const model = build(config);
  const { history, bestEpoch } = await trainClassifier(model, {
    train: splits.train,
    ...(config.validation ? { validation: splits.validation } : {}),
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: 1,
    loss: config.loss,
    optimizer: 'adam',
    learningRate: config.learningRate,
    learningRateDecay: config.learningRateDecay,
    onEvent: (e) => {
      if (e.type === 'epoch') {
        const validation = e.validationAccuracy === undefined ? '' : `, validation ${(100 * e.validationAccuracy).toFixed(2)}%`;
        console.log(`  ${config.id} epoch ${e.epoch + 1}/${config.epochs}: loss ${e.trainLoss.toFixed(4)}${validation}, ${e.trainSeconds.toFixed(1)} s`);
      }
    },
  });
  const testAccuracy = accuracy(model, data.test);
  model.dispose();
  const result: RunResult = {
    config,
    quick,
    backend,
    testAccuracy,
    bestEpoch,
    history,
    medianEpochSeconds: median(history.map((h) => h.trainSeconds)),
    finishedAt: new Date().toISOString(),
  };
  console.log(`  ${config.id}: test ${(100 * testAccuracy).toFixed(2)}%, median epoch ${result.medianEpochSeconds.toFixed(2)} s`);
  if (pytorchThreads !== null) {
    const script = peerScript(root, 'models.py');
    const peer = runPython<{ epochSeconds: number[]; testAccuracy: number; threads: number; torch: string }>(script, {
      ...config,
      trainSize: splits.train.count,
      seed: 1,
      threads: pytorchThreads,
      widths: [784, 128, 128, 10],
      files: data.files,
    });
    result.pytorch = { epochSeconds: peer.epochSeconds, medianEpochSeconds: median(peer.epochSeconds), testAccuracy: peer.testAccuracy, threads: peer.threads, version: peer.torch };
    result.slowdown = result.medianEpochSeconds / result.pytorch.medianEpochSeconds;
    console.log(`  ${config.id} PyTorch: test ${(100 * peer.testAccuracy).toFixed(2)}%, median epoch ${result.pytorch.medianEpochSeconds.toFixed(2)} s (${result.slowdown.toFixed(2)}× slower here)`);
  }
  return result;
}

function markdown(results: RunResult[]): string {
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  const rows = results.map((r) => [
    r.config.id + (r.quick ? ' (quick)' : ''),
    `${r.config.trainSize.toLocaleString('en-US')}${r.config.validation ? ' + 10k val' : ''}`,
    `${r.config.epochs} × bs ${r.config.batchSize}, ${r.config.loss}, Adam ${r.config.learningRate}${r.config.learningRateDecay !== 1 ? ` ×${r.config.learningRateDecay}/epoch` : ''}`,
    pct(r.testAccuracy) + (r.bestEpoch !== null ? ` (best epoch ${r.bestEpoch + 1})` : ''),
    r.pytorch ? pct(r.pytorch.testAccuracy) : '—',
    `${r.medianEpochSeconds.toFixed(2)} s (${r.backend})`,
    `${Math.min(...r.history.map((h) => h.trainSeconds)).toFixed(2)} s`,
    r.pytorch ? `${r.pytorch.medianEpochSeconds.toFixed(2)} s (${r.pytorch.threads} thread${r.pytorch.threads > 1 ? 's' : ''})` : '—',
    r.pytorch ? `${Math.min(...r.pytorch.epochSeconds).toFixed(2)} s` : '—',
    r.pytorch ? `${(r.medianEpochSeconds / r.pytorch.medianEpochSeconds).toFixed(2)}× / ${(Math.min(...r.history.map((h) => h.trainSeconds)) / Math.min(...r.pytorch.epochSeconds)).toFixed(2)}×` : '—',
    r.finishedAt.slice(0, 16).replace('T', ' '),
  ]);
  return [
    '# Models: clean accuracy and training speed',
    '',
    'Generated by `npm run bench -- models` (apps/bench/src/suites/models.ts; PyTorch peer models.py).',
    'Test accuracy on the 10,000 test images; LiftGuard MLP runs keep the best epoch on the last 10,000 training images,',
    "PyTorch's accuracy is its last epoch (the peer is there for time; its accuracy is a sanity check of the same recipe).",
    'Epoch time is the median training time of one epoch (validation excluded); the PyTorch run trains the',
    'same model on the same images with the same batch size and optimizer in the same benchmark run, right after it.',
    'The machine is shared (2 cores, other jobs running): the fastest epoch is the better estimate of intrinsic speed.',
    '',
    markdownTable(
      ['run', 'train images', 'setup', 'test acc.', 'PyTorch test acc.', 'median epoch (LiftGuard)', 'fastest', 'median epoch (PyTorch)', 'fastest', 'LiftGuard / PyTorch (median / fastest)', 'finished (UTC)'],
      rows,
    ),
  ].join('\n');
}

export const suite: BenchSuite = {
  name: 'models',
  description: 'clean test accuracy of MLP / CNNLight / CNN trained with BP, epoch time vs PyTorch',
  async run({ root, args, quick }) {
    const { name: backend } = await initBackend({ quiet: true });
    const jsonPath = join(root, 'docs', 'benchmarks', 'models.json');
    if (args.includes('--render')) {
      // Re-renders the Markdown table from the JSON without training anything.
      const saved = JSON.parse(readFileSync(jsonPath, 'utf8')) as { machine: unknown; pytorch: string | null; results: RunResult[] };
      writeResults(root, 'benchmarks', 'models', saved, markdown(saved.results));
      return;
    }
    const selected = args.find((a) => a.startsWith('--runs='))?.slice('--runs='.length).split(',');
    const candidates = quick ? quickRuns : fullRuns;
    const runs = selected ? candidates.filter((r) => selected.includes(r.id)) : candidates;
    if (selected && runs.length !== selected.length) throw new Error(`unknown run in --runs; runs: ${candidates.map((r) => r.id).join(', ')}`);
    const torch = args.includes('--no-pytorch') ? null : pytorchVersion();
    // One PyTorch thread by default: wasm runs single-threaded in Node, and on a shared 2-core machine extra threads only contend.
    const pytorchThreads = Number(args.find((a) => a.startsWith('--pytorch-threads='))?.split('=')[1] ?? 1);
    if (!Number.isInteger(pytorchThreads) || pytorchThreads <= 0) throw new Error(`--pytorch-threads must be a positive integer`);
    console.log(`backend ${backend}; PyTorch ${torch ?? 'not available'}${torch ? ` (${pytorchThreads} thread(s))` : ''}`);
    // Earlier runs stay in the table: long runs can be done one at a time.
    const previous: RunResult[] = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, 'utf8')) as { results: RunResult[] }).results : [];
    const byId = new Map(previous.map((r) => [r.config.id, r]));
    const datasets = new Map<DatasetName, Dataset>();
    for (const config of runs) {
      if (!datasets.has(config.dataset)) datasets.set(config.dataset, await loadDataset(config.dataset));
      console.log(`${config.id}: ${config.model} on ${config.trainSize} ${config.dataset} images, ${config.epochs} epoch(s)`);
      byId.set(config.id, await runOne(config, datasets.get(config.dataset)!, backend, quick, torch === null ? null : pytorchThreads, root));
      const results = [...fullRuns, ...quickRuns].map((r) => byId.get(r.id)).filter((r): r is RunResult => r !== undefined);
      writeResults(root, 'benchmarks', 'models', { machine: machineInfo(), pytorch: torch, results }, markdown(results));
    }
  },
};
