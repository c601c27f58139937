// Trained benchmark models cached on disk: a recipe is trained once, later runs (and other suites) load it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest, SequentialClassifier } from '@liftguard/models';
import { loadClassifier, manifestFileName, saveClassifier } from '@liftguard/models/node';

export interface CachedModel {
  classifier: SequentialClassifier;
  /** Directory holding the cached model files. */
  dir: string;
  /** False when the model was loaded from the cache. */
  trained: boolean;
  trainSeconds: number | null;
  /** SHA-256 of the weights file (the model's identity in reports). */
  weightsSha256: string;
}

/**
 * Loads the model saved in `dir`, or calls `train` (which builds and trains it), saves it there
 * with `metadata` (the recipe) and returns it. `dir` must name every recipe field that changes the weights.
 */
export async function cachedModel(
  dir: string,
  label: string,
  metadata: Record<string, unknown>,
  train: () => Promise<SequentialClassifier>,
  log: (line: string) => void = console.log,
): Promise<CachedModel> {
  const manifestPath = join(dir, manifestFileName);
  if (existsSync(manifestPath)) {
    log(`  ${label}: cached model ${dir}`);
    const classifier = await loadClassifier(dir);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
    return { classifier, dir, trained: false, trainSeconds: null, weightsSha256: manifest.weights.sha256 };
  }
  const started = performance.now();
  const classifier = await train();
  const trainSeconds = (performance.now() - started) / 1000;
  const manifest = await saveClassifier(classifier, dir, metadata);
  log(`  ${label}: trained in ${trainSeconds.toFixed(0)} s, saved to ${dir}`);
  return { classifier, dir, trained: true, trainSeconds, weightsSha256: manifest.weights.sha256 };
}
