import type { CheckpointSink } from './checkpoint-sink.js';
import { saveClassifierFolder } from './model-files.js';

export interface DirectoryCheckpointOptions {
  /** Called once if the first save moved an earlier result (not written by this process) aside, with where it now is. */
  onPreviousMoved?: (previous: string) => void;
}

/** Saves the trainer's best model into `dir` in the versioned model format (a complete folder renamed into place, see `saveClassifierFolder`). */
export function directoryCheckpoint(dir: string, options: DirectoryCheckpointOptions = {}): CheckpointSink {
  return {
    location: dir,
    async save(model, metadata) {
      const { previous } = await saveClassifierFolder(model, dir, metadata);
      if (previous !== undefined) options.onPreviousMoved?.(previous);
    },
  };
}
