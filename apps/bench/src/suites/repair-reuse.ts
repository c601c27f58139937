// w̄'s AutoAttack evaluation from an earlier entry on the same weights, images and settings: the
// suite is seeded, so running it again on w̄ (30+ minutes on 10,000 images) gives the same numbers.
import type { RepairExperimentConfig, ReusedSuite } from './repair-experiment.js';
import type { RepairResultsFile } from './repair-report.js';

/** The newest stored suite on w̄ with these weights, test images and evaluation settings, if any. */
export function reusableOriginalSuite(file: RepairResultsFile, weightsSha256: string, config: RepairExperimentConfig): ReusedSuite | undefined {
  const match = file.entries
    .filter(
      (e) =>
        e.weightsSha256 === weightsSha256 &&
        !e.result.original.suiteReusedFrom &&
        e.result.original.suite &&
        e.result.config.testCount === config.testCount &&
        (e.result.config.testOffset ?? 0) === (config.testOffset ?? 0) &&
        JSON.stringify(e.result.config.evaluation) === JSON.stringify(config.evaluation),
    )
    .sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))[0];
  return match && { suite: match.result.original.suite!, from: match.id };
}
