import type { SequentialClassifier } from './sequential-classifier.js';

/** Where the trainer writes the best model so far; `directoryCheckpoint` in `@liftguard/models/node` writes a model directory. */
export interface CheckpointSink {
  /** Shown in `checkpoint` events, e.g. a directory path. */
  readonly location: string;
  save(model: SequentialClassifier, metadata: Record<string, unknown>): Promise<void>;
}
