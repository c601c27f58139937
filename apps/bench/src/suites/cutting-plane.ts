// Cut-QP solver speed on cut matrices of the real size (CNN, n = 162,710 parameters): the
// built-in dual active-set solver vs HiGHS, and the wall time of a CNNLight-sized repair.
// Cut rows are per-example gradients ∇(z_j* − z_y) of @liftguard/models' CNN with seeded
// He-normal initialization (untrained) on random [0,1] images and random labels: solver speed
// depends on the rows' size and conditioning, not on what the network has learned.
import { initBackend } from '@liftguard/tensor';
import type { BenchSuite } from '../suite.js';
import {
  benchSolvers,
  cnnCutRows,
  cnnLightRepairTiming,
  compareSolvers,
  highsPrimalAtFullSize,
  highsPrimalScaling,
  lastLayer,
} from './cutting-plane-experiments.js';
import { writeCuttingPlaneResults } from './cutting-plane-report.js';

export const suite: BenchSuite = {
  name: 'cutting-plane',
  description: 'dual active-set vs HiGHS on real-size CNN cut matrices; CNNLight-sized repair time',
  async run({ root, quick }) {
    const backend = await initBackend({ quiet: true });
    const sizes = quick ? [10, 50] : [10, 50, 100, 200];
    const repeats = quick ? 1 : 3;

    const cuts = cnnCutRows(sizes[sizes.length - 1]!);
    console.log(
      `n = ${cuts.n}, ${cuts.rows.length} gradient rows, ${cuts.gradientMsPerRow.toFixed(1)} ms per row on ${backend.name}`,
    );
    const solvers = await benchSolvers();
    const { full, subset } = await compareSolvers(cuts, solvers, sizes, repeats);
    const scaling = await highsPrimalScaling(
      cuts,
      solvers,
      quick ? [lastLayer] : [lastLayer, 2000, 3000],
    );
    const primalAttempt = await highsPrimalAtFullSize(cuts);
    const repair = await cnnLightRepairTiming();

    writeCuttingPlaneResults(root, {
      backend: backend.name,
      n: cuts.n,
      gradientMsPerRow: cuts.gradientMsPerRow,
      repeats,
      full,
      subset,
      scaling,
      primalAttempt,
      repair,
    });
  },
};
