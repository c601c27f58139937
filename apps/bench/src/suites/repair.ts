// The cutting-plane repair paper experiment (CUTTING_PLANE.md §4–5) on MNIST CNNLight / CNN:
// pre-train (cached), X_adv from the training split, repair, transfer and adaptive evaluation.
import { join } from 'node:path';
import { loadDataset } from '@liftguard/data';
import { initBackend, tensorEnvironment } from '@liftguard/tensor';
import { setBlasThreads } from '@liftguard/tensor-blas';
import { machineInfo } from '../results.js';
import type { BenchSuite } from '../suite.js';
import { runRepairExperiment } from './repair-experiment.js';
import { paperRecipe, pretrainedModel } from './repair-models.js';
import { parseRepairOptions } from './repair-options.js';
import { entryId, readResultsFile, writeRepairResults } from './repair-report.js';
import { reusableOriginalSuite } from './repair-reuse.js';

export const suite: BenchSuite = {
  name: 'repair',
  description: 'cutting-plane repair of MNIST CNNLight / CNN on PGD examples: clean, transfer and adaptive FGSM/PGD and standard-AutoAttack accuracy (clipped to [0, 1] unless --unclipped), ‖Δw‖, time, Pareto fronts',
  async run({ root, args, quick }) {
    const options = parseRepairOptions(args, quick);
    if (options.renderOnly) {
      await writeRepairResults(root, undefined);
      return;
    }
    const { name: backend } = await initBackend({ quiet: true });
    setBlasThreads(options.nativeThreads);
    const native = `${tensorEnvironment().summary}, ${options.nativeThreads} native thread(s)`;
    // Cached under the repository's git-ignored tmp/ so every engineer's runs reuse one training.
    const modelDir = options.modelDir ?? join(root, 'tmp', 'bench-models');
    const data = await loadDataset('mnist');
    console.log(`backend ${backend} (${native}); models ${options.models.join(', ')}; |X_adv| ${options.experiment.sizes.join(', ')}; ω ${options.experiment.omegas.join(', ')}; M ${options.experiment.iterations.join(', ')}; ${options.experiment.testCount} test images`);
    for (const model of options.models) {
      // Quick runs pre-train on 5,000 images so the smoke run stays short.
      const recipe = paperRecipe(model, options.epochs, quick ? 5_000 : data.train.count);
      const pretrained = await pretrainedModel(recipe, data.train, modelDir);
      try {
        const save = async (result: Parameters<typeof entryId>[1]) => {
          const entry = { id: entryId(recipe, result, quick), quick, recipe, pretrainSeconds: pretrained.trainSeconds, weightsSha256: pretrained.weightsSha256, result, machine: { ...machineInfo(), native }, finishedAt: new Date().toISOString() };
          await writeRepairResults(root, entry);
        };
        const reused = options.reuseOriginalSuite ? reusableOriginalSuite(readResultsFile(join(root, 'docs', 'results', 'repair.json')), pretrained.weightsSha256, options.experiment) : undefined;
        if (options.reuseOriginalSuite && !reused) console.log(`  ${model}: no stored suite on these weights, images and settings; running it on w̄`);
        await runRepairExperiment(pretrained.classifier, data.train, data.test, options.experiment, console.log, save, reused);
      } finally {
        pretrained.classifier.dispose();
      }
    }
  },
};
