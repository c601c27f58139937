// The attacks suite's models: the BP-trained MLP and CNNLight from @liftguard/models, trained once and cached.
import { join } from 'node:path';
import { experimentSplits, type Dataset } from '@liftguard/data';
import { mlp, trainClassifier } from '@liftguard/models';
import { cachedModel, type CachedModel } from '../model-cache.js';
import { paperRecipe, pretrainedModel, recipeKey, type PretrainRecipe } from './repair-models.js';

/** LIFTED.md §4 / docs/benchmarks/models.md (mlp-mnist-50k): BP, squared loss, best epoch on the last 10k training images. */
export interface MlpRecipe {
  model: 'mlp';
  widths: number[];
  initialization: 'lifted';
  trainImages: number;
  validationImages: number;
  epochs: number;
  batchSize: number;
  loss: 'squared';
  optimizer: 'adam';
  learningRate: number;
  seed: number;
}

export function mlpRecipe(quick: boolean): MlpRecipe {
  return {
    model: 'mlp',
    widths: [784, 128, 128, 10],
    initialization: 'lifted',
    trainImages: quick ? 5_000 : 50_000,
    validationImages: 10_000,
    epochs: quick ? 2 : 20,
    batchSize: 50,
    loss: 'squared',
    optimizer: 'adam',
    learningRate: 1e-3,
    seed: 1,
  };
}

export function mlpRecipeKey(r: MlpRecipe): string {
  return `mlp-${r.widths.join('-')}-${r.initialization}-mnist-${r.trainImages}+val${r.validationImages}-e${r.epochs}-bs${r.batchSize}-${r.loss}-${r.optimizer}${r.learningRate}-s${r.seed}`;
}

/** A model with where it came from, for the report. */
export interface BenchModel extends CachedModel {
  recipe: MlpRecipe | PretrainRecipe;
  /** The recipe in one line. */
  recipeText: string;
  /** The cache directory's name. */
  key: string;
}

/** A recipe in one line, for reports. */
export function recipeText(r: MlpRecipe | PretrainRecipe): string {
  if (r.model === 'mlp') {
    return `MLP ${r.widths.join('-')} (${r.initialization} init, seed ${r.seed}), BP with ${r.loss} loss, Adam ${r.learningRate}, batch ${r.batchSize}, ${r.epochs} epochs on the first ${r.trainImages.toLocaleString('en-US')} MNIST training images, best epoch on the last ${r.validationImages.toLocaleString('en-US')}`;
  }
  return `CNNLight (PyTorch init, seed ${r.seed}), BP with cross-entropy, Adam ${r.learningRate} ×${r.learningRateDecay} per epoch, batch ${r.batchSize}, ${r.epochs} epochs on the first ${r.trainImages.toLocaleString('en-US')} MNIST training images`;
}

/** The MLP and CNNLight of the suite, loaded from `cacheDir` or trained there (the repair suite shares CNNLight's cache). */
export async function attackBenchModels(data: Dataset, cacheDir: string, quick: boolean, log: (line: string) => void = console.log): Promise<{ mlp: BenchModel; 'cnn-light': BenchModel }> {
  const m = mlpRecipe(quick);
  const mlpKey = mlpRecipeKey(m);
  const mlpModel = await cachedModel(join(cacheDir, mlpKey), 'mlp', { recipe: m }, async () => {
    const splits = experimentSplits(data, { trainSize: m.trainImages, validationSize: m.validationImages });
    const classifier = mlp(m.widths, { initialization: m.initialization, seed: m.seed });
    await trainClassifier(classifier, {
      train: splits.train,
      validation: splits.validation,
      epochs: m.epochs,
      batchSize: m.batchSize,
      seed: m.seed,
      loss: m.loss,
      optimizer: m.optimizer,
      learningRate: m.learningRate,
      onEvent: (e) => {
        if (e.type === 'epoch') log(`  mlp epoch ${e.epoch + 1}/${m.epochs}: loss ${e.trainLoss.toFixed(4)}, validation ${(100 * (e.validationAccuracy ?? 0)).toFixed(2)} %, ${e.trainSeconds.toFixed(1)} s`);
      },
    });
    return classifier;
  }, log);
  // CUTTING_PLANE.md §5, the same recipe (and cache entry) as the repair suite.
  const c = paperRecipe('cnn-light', quick ? 1 : 10, quick ? 5_000 : 60_000);
  const cnnModel = await pretrainedModel(c, data.train, cacheDir, log);
  return {
    mlp: {
      ...mlpModel,
      recipe: m,
      key: mlpKey,
      recipeText: recipeText(m),
    },
    'cnn-light': {
      ...cnnModel,
      key: recipeKey(c),
      recipeText: recipeText(c),
    },
  };
}
