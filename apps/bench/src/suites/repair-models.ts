// Pre-trained models of the repair experiment (CUTTING_PLANE.md §5), trained once and cached on disk.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageSet } from '@liftguard/data';
import { cnn, cnnLight, trainClassifier } from '@liftguard/models';
import { manifestFileName } from '@liftguard/models/node';
import { cachedModel, type CachedModel } from '../model-cache.js';

export type RepairModelName = 'cnn-light' | 'cnn';
export const repairModelNames: readonly RepairModelName[] = ['cnn-light', 'cnn'];

/** The pre-training recipe; `epochs` may be lowered for time (the results say so). */
export interface PretrainRecipe {
  model: RepairModelName;
  epochs: number;
  trainImages: number;
  batchSize: number;
  learningRate: number;
  learningRateDecay: number;
  seed: number;
}

/** CUTTING_PLANE.md §5: Adam 1e-3, ×0.7 per epoch, 10 epochs, batch 64, cross-entropy. */
export function paperRecipe(model: RepairModelName, epochs = 10, trainImages = 60_000): PretrainRecipe {
  return { model, epochs, trainImages, batchSize: 64, learningRate: 1e-3, learningRateDecay: 0.7, seed: 1 };
}

export interface PretrainedModel extends CachedModel {
  recipe: PretrainRecipe;
}

/** Cache directory name: every recipe field that changes the weights. */
export function recipeKey(recipe: PretrainRecipe): string {
  return `${recipe.model}-mnist-${recipe.trainImages}-e${recipe.epochs}-bs${recipe.batchSize}-lr${recipe.learningRate}x${recipe.learningRateDecay}-s${recipe.seed}`;
}

/**
 * Pre-trained weights kept in the repository (apps/bench/pretrained): training through the system
 * BLAS and oneDNN rounds differently on other CPUs, so a recipe retrained elsewhere is another
 * model, and results stored across machines could not be extended or compared.
 */
export const committedModelDir = fileURLToPath(new URL('../../pretrained/', import.meta.url));

/** The committed model of this recipe when there is one, else the one in `cacheDir`, trained and saved there if missing. */
export async function pretrainedModel(recipe: PretrainRecipe, train: ImageSet, cacheDir: string, log: (line: string) => void = console.log): Promise<PretrainedModel> {
  const committed = join(committedModelDir, recipeKey(recipe));
  const dir = existsSync(join(committed, manifestFileName)) ? committed : join(cacheDir, recipeKey(recipe));
  const cached = await cachedModel(dir, recipe.model, { recipe }, async () => {
    if (train.count < recipe.trainImages) throw new Error(`recipe needs ${recipe.trainImages} training images, the split has ${train.count}`);
    const classifier = recipe.model === 'cnn-light' ? cnnLight({ seed: recipe.seed }) : cnn({ seed: recipe.seed });
    await trainClassifier(classifier, {
      train: { images: train.images.subarray(0, recipe.trainImages * train.height * train.width), labels: train.labels.subarray(0, recipe.trainImages), count: recipe.trainImages },
      epochs: recipe.epochs,
      batchSize: recipe.batchSize,
      seed: recipe.seed,
      loss: 'cross-entropy',
      optimizer: 'adam',
      learningRate: recipe.learningRate,
      learningRateDecay: recipe.learningRateDecay,
      onEvent: (e) => {
        if (e.type === 'epoch') log(`  ${recipe.model} epoch ${e.epoch + 1}/${recipe.epochs}: loss ${e.trainLoss.toFixed(4)}, ${e.trainSeconds.toFixed(1)} s`);
      },
    });
    return classifier;
  }, log);
  return { ...cached, recipe };
}
