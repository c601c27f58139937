import type { CheckpointSink } from './checkpoint-sink.js';
import { saveClassifier } from './model-files.js';

/** Saves the trainer's best model into `dir` in the versioned model format (crash-safe, see `saveClassifier`). */
export function directoryCheckpoint(dir: string): CheckpointSink {
  return {
    location: dir,
    async save(model, metadata) {
      await saveClassifier(model, dir, metadata);
    },
  };
}
