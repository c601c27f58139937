import * as tf from '@tensorflow/tfjs-core';
import { Random, type Classifier, type Seed } from '@liftguard/tensor';
import { accuracy, checkExamples, gatherBatch, type LabeledExamples } from './labeled-examples.js';
import { classificationLoss, classificationLosses, type LossName } from './losses.js';
import type { CheckpointSink } from './checkpoint-sink.js';
import { adam, sgd, type Optimizer } from './optimizers.js';
import { SequentialClassifier } from './sequential-classifier.js';

export interface TrainOptions {
  train: LabeledExamples;
  /** Scored after every epoch; the best epoch's weights are kept. */
  validation?: LabeledExamples;
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle. */
  seed: Seed;
  /** A built-in loss name, or any objective with the `BatchObjective` contract (e.g. @liftguard/losses). */
  loss?: LossName | BatchObjective;
  /** Stops training after the current batch when aborted (e.g. on Ctrl-C); the result says so. */
  signal?: AbortSignal;
  optimizer?: 'adam' | 'sgd';
  learningRate?: number;
  /** The learning rate is multiplied by this after every epoch (default 1: constant). */
  learningRateDecay?: number;
  /** SGD momentum (default 0). */
  momentum?: number;
  /** Restore the weights of the best validation epoch at the end (default true when there is validation data). */
  restoreBest?: boolean;
  /** Save the best model here whenever validation accuracy improves (needs a `SequentialClassifier`); in Node, `directoryCheckpoint(dir)` from `@liftguard/models/node`. */
  checkpoint?: CheckpointSink;
  /** Progress events, e.g. for a CLI progress bar. */
  onEvent?: (event: TrainingEvent) => void;
  /** Emit a `batch` event every this many batches (default 10). */
  batchEventEvery?: number;
}

/**
 * A training objective per mini-batch: the value and ∇ for every trainable variable (keyed by
 * `variable.name`, owned by the caller). The `Loss` contract of @liftguard/losses satisfies it.
 */
export interface BatchObjective {
  readonly name: string;
  readonly config?: Readonly<Record<string, unknown>>;
  compute(
    model: Classifier,
    batch: { x: tf.Tensor; oneHot: tf.Tensor2D; labels: Int32Array },
  ): { value: number; grads: Record<string, tf.Tensor>; diagnostics?: Record<string, number> };
}

/** One epoch's record. */
export interface EpochRecord {
  epoch: number;
  learningRate: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** Means over the epoch's batches of the objective's diagnostics (custom objectives only). */
  diagnostics?: Record<string, number>;
  validationAccuracy?: number;
  /** Wall time of the epoch's training steps alone. */
  trainSeconds: number;
  /** Wall time of the whole epoch, validation included. */
  seconds: number;
}

export type TrainingEvent =
  | { type: 'start'; epochs: number; batchesPerEpoch: number; trainCount: number }
  | { type: 'batch'; epoch: number; batch: number; batches: number; loss: number }
  | ({ type: 'epoch'; isBest: boolean } & EpochRecord)
  | { type: 'checkpoint'; epoch: number; location: string }
  | { type: 'end'; bestEpoch: number | null; bestValidationAccuracy: number | null; seconds: number };

export interface TrainResult {
  history: EpochRecord[];
  /** Epoch (0-based) with the best validation accuracy, null without validation data. */
  bestEpoch: number | null;
  bestValidationAccuracy: number | null;
  /** True when the model now holds the best epoch's weights. */
  restoredBest: boolean;
  /** True when `signal` stopped training before the last epoch finished. */
  stopped: boolean;
  /** The same as `stopped`, under the name reports use. */
  stoppedEarly: boolean;
}

/** Longest stretch of synchronous training between two yields to the event loop, so a Ctrl-C (SIGINT handler) runs within a second. */
export const maxMillisecondsBetweenYields = 100;

/**
 * Trains any `Classifier`'s variables with backpropagation: shuffled mini-batches (the order
 * of epoch e depends only on seed and e), cross-entropy or squared loss, Adam or SGD with a
 * per-epoch learning-rate decay, validation accuracy per epoch and best-on-validation weights.
 */
export async function trainClassifier(model: Classifier, options: TrainOptions): Promise<TrainResult> {
  const settings = checkOptions(options);
  const rowSize = checkExamples(options.train, model, 'train');
  if (options.validation) checkExamples(options.validation, model, 'validation');
  if (options.checkpoint !== undefined && !(model instanceof SequentialClassifier)) {
    throw new Error('checkpoint needs a SequentialClassifier (the saved format stores its layer spec)');
  }
  const variables = [...model.trainableVariables];
  const optimizer: Optimizer =
    settings.optimizer === 'adam'
      ? adam(variables, { learningRate: settings.learningRate })
      : sgd(variables, { learningRate: settings.learningRate, momentum: options.momentum ?? 0 });
  const emit = options.onEvent ?? (() => {});
  const count = options.train.count;
  const batches = Math.ceil(count / options.batchSize);
  const random = new Random(options.seed);
  const history: EpochRecord[] = [];
  let best: { epoch: number; accuracy: number; values: Float32Array[] } | null = null;
  const started = performance.now();
  emit({ type: 'start', epochs: options.epochs, batchesPerEpoch: batches, trainCount: count });
  let stopped = false;
  let lastYield = performance.now();
  // Lets signal handlers and timers run when the last yield is long enough ago, then says whether to stop.
  const yieldAndCheck = async (): Promise<boolean> => {
    if (performance.now() - lastYield >= maxMillisecondsBetweenYields) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    return options.signal?.aborted === true;
  };
  try {
    for (let epoch = 0; epoch < options.epochs && !stopped; epoch++) {
      const epochStart = performance.now();
      optimizer.learningRate = settings.learningRate * settings.learningRateDecay ** epoch;
      const order = random.fork(`epoch ${epoch}`).permutation(count);
      let lossSum = 0;
      const diagnosticSums: Record<string, number> = {};
      for (let b = 0; b < batches; b++) {
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        const { x, oneHot, labels } = gatherBatch(options.train, order.subarray(b * options.batchSize, (b + 1) * options.batchSize), model, rowSize);
        let value: number;
        try {
          if (typeof settings.loss === 'string') {
            const name = settings.loss;
            const loss = tf.tidy(() => {
              const { value, grads } = tf.variableGrads(() => classificationLoss(name, model.predict(x), oneHot), variables);
              optimizer.step(variables.map((v) => grads[v.name]!));
              return value;
            });
            value = loss.dataSync()[0]!;
            loss.dispose();
          } else {
            const out = settings.loss.compute(model, { x, oneHot, labels });
            try {
              const missing = variables.find((v) => out.grads[v.name] === undefined);
              if (missing) throw new Error(`objective '${settings.loss.name}' returned no gradient for variable ${missing.name}`);
              optimizer.step(variables.map((v) => out.grads[v.name]!));
            } finally {
              tf.dispose(Object.values(out.grads));
            }
            value = out.value;
            for (const [key, v] of Object.entries(out.diagnostics ?? {})) diagnosticSums[key] = (diagnosticSums[key] ?? 0) + v;
          }
        } finally {
          tf.dispose([x, oneHot]);
        }
        if (!Number.isFinite(value)) throw new Error(`training diverged: loss is ${value} at epoch ${epoch}, batch ${b}; lower the learning rate`);
        lossSum += value;
        if ((b + 1) % settings.batchEventEvery === 0 || b === batches - 1) emit({ type: 'batch', epoch, batch: b, batches, loss: value });
        // Checked after every batch, whatever the batch count: the current step finishes, then training stops.
        if (await yieldAndCheck()) {
          stopped = true;
          break;
        }
      }
      if (stopped) break;
      const trainSeconds = (performance.now() - epochStart) / 1000;
      const record: EpochRecord = { epoch, learningRate: optimizer.learningRate, trainLoss: lossSum / batches, trainSeconds, seconds: 0 };
      if (Object.keys(diagnosticSums).length > 0) {
        record.diagnostics = Object.fromEntries(Object.entries(diagnosticSums).map(([key, sum]) => [key, sum / batches]));
      }
      let isBest = false;
      if (options.validation) {
        record.validationAccuracy = accuracy(model, options.validation);
        if (best === null || record.validationAccuracy > best.accuracy) {
          isBest = true;
          best = { epoch, accuracy: record.validationAccuracy, values: variables.map((v) => v.dataSync().slice() as Float32Array) };
        }
      }
      record.seconds = (performance.now() - epochStart) / 1000;
      history.push(record);
      emit({ type: 'epoch', isBest, ...record });
      if (isBest && options.checkpoint !== undefined) {
        await options.checkpoint.save(model as SequentialClassifier, { epoch, validationAccuracy: record.validationAccuracy, training: describe(options) });
        emit({ type: 'checkpoint', epoch, location: options.checkpoint.location });
      }
      if (epoch < options.epochs - 1 && (await yieldAndCheck())) stopped = true;
    }
  } finally {
    optimizer.dispose();
  }
  const restore = best !== null && (options.restoreBest ?? true);
  if (restore) tf.tidy(() => variables.forEach((v, i) => v.assign(tf.tensor(best!.values[i]!, v.shape, 'float32'))));
  emit({ type: 'end', bestEpoch: best?.epoch ?? null, bestValidationAccuracy: best?.accuracy ?? null, seconds: (performance.now() - started) / 1000 });
  return { history, bestEpoch: best?.epoch ?? null, bestValidationAccuracy: best?.accuracy ?? null, restoredBest: restore, stopped, stoppedEarly: stopped };
}

function checkOptions(options: TrainOptions) {
  const loss = options.loss ?? 'cross-entropy';
  if (typeof loss === 'string') classificationLosses.get(loss);
  if (typeof loss !== 'string' && typeof loss?.compute !== 'function') throw new Error('loss must be a loss name or an objective with compute(model, batch)');
  const optimizer = options.optimizer ?? 'adam';
  if (optimizer !== 'adam' && optimizer !== 'sgd') throw new Error(`unknown optimizer '${String(optimizer)}'; known: adam, sgd`);
  if (!Number.isInteger(options.epochs) || options.epochs <= 0) throw new Error(`epochs must be a positive integer, got ${options.epochs}`);
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${options.batchSize}`);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new Error(`learningRate must be a positive finite number, got ${learningRate}`);
  const learningRateDecay = options.learningRateDecay ?? 1;
  if (!(learningRateDecay > 0 && learningRateDecay <= 1)) throw new Error(`learningRateDecay must be in (0, 1], got ${learningRateDecay}`);
  const batchEventEvery = options.batchEventEvery ?? 10;
  if (!Number.isInteger(batchEventEvery) || batchEventEvery <= 0) throw new Error(`batchEventEvery must be a positive integer, got ${batchEventEvery}`);
  return { loss, optimizer, learningRate, learningRateDecay, batchEventEvery };
}

/** The resolved training settings, recorded with checkpoints. */
function describe(options: TrainOptions): Record<string, unknown> {
  const { train, validation, onEvent: _onEvent, signal: _signal, checkpoint, loss, ...rest } = options;
  const lossEcho = typeof loss === 'object' ? { name: loss.name, config: loss.config ?? {} } : (loss ?? 'cross-entropy');
  return { ...rest, loss: lossEcho, ...(checkpoint ? { checkpoint: checkpoint.location } : {}), trainCount: train.count, validationCount: validation?.count ?? 0 };
}
