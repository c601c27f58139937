// The AROVR family: the paper experiment (docs/results/arovr.*), the speed targets and the
// independent-implementation check against PyTorch (docs/benchmarks/losses.*).
import { loadavg } from 'node:os';
import { loadDataset, type Dataset, type DatasetName } from '@liftguard/data';
import { initBackend } from '@liftguard/tensor';
import { peerScript, pytorchVersion } from '../pytorch.js';
import type { BenchSuite } from '../suite.js';
import { agreementCheck } from './losses-agreement.js';
import { batchBreakdown } from './losses-breakdown.js';
import { readBenchmark, writeBenchmark } from './losses-benchmark.js';
import { extraMethods, paperMethods, paperSetting, trainMethod, type MethodRun } from './losses-experiment.js';
import { mergeRuns, paperGrid, readResults, writeArovrResults } from './losses-results.js';
import { speedComparison } from './losses-speed.js';

const usage = `losses [--quick] [--experiment] [--speed] [--breakdown] [--agreement] [--render]
  [--datasets=mnist,fashion-mnist] [--subsets=5000,50000] [--methods=bp-squared,arovr,…] [--seeds=1,2,3] [--epochs=20]
  [--speed-images=2000] [--no-pytorch]
Without --experiment/--speed/--breakdown/--agreement/--render all four measuring parts run.`;

function listOption(args: string[], name: string): string[] | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3).split(',').filter(Boolean);
}

function positiveIntegers(values: string[], name: string): number[] {
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: '${v}' is not a positive integer\n${usage}`);
    return n;
  });
}

/** The experiment's plan from flags: quick is the CI smoke size (1,000 images, 2 epochs, 1 seed). */
export function experimentPlan(args: string[], quick: boolean) {
  const datasets = (listOption(args, 'datasets') ?? (quick ? ['mnist'] : [...paperGrid.datasets])) as DatasetName[];
  for (const d of datasets) if (d !== 'mnist' && d !== 'fashion-mnist') throw new Error(`--datasets: unknown '${d}'\n${usage}`);
  const methods = listOption(args, 'methods') ?? [...paperMethods];
  const selectable: readonly string[] = [...paperMethods, ...extraMethods];
  for (const m of methods) if (!selectable.includes(m)) throw new Error(`--methods: unknown '${m}'; methods: ${selectable.join(', ')}`);
  const subsetsOption = listOption(args, 'subsets');
  const subsets = subsetsOption ? positiveIntegers(subsetsOption, 'subsets') : quick ? [1_000] : [5_000];
  const seedsOption = listOption(args, 'seeds');
  const seeds = seedsOption ? positiveIntegers(seedsOption, 'seeds') : quick ? [1] : paperGrid.seeds;
  const epochsOption = listOption(args, 'epochs');
  const epochs = epochsOption ? positiveIntegers(epochsOption, 'epochs')[0]! : quick ? 2 : paperGrid.epochs;
  return { datasets, methods, subsets, seeds, epochs };
}

/** Trains every (dataset, subset, seed, method) of the plan; `afterEach` sees the runs so far. */
export async function runExperiment(
  plan: ReturnType<typeof experimentPlan>,
  { quick, backend, load = loadDataset, afterEach = async () => {}, log = console.log }: {
    quick: boolean;
    backend: string;
    load?: (name: DatasetName) => Promise<Dataset>;
    afterEach?: (runs: MethodRun[]) => Promise<void>;
    log?: (line: string) => void;
  },
): Promise<MethodRun[]> {
  const runs: MethodRun[] = [];
  for (const dataset of plan.datasets) {
    const data = await load(dataset);
    for (const trainSize of plan.subsets) {
      for (const seed of plan.seeds) {
        for (const method of plan.methods) {
          log(`${dataset} ${trainSize} seed ${seed}: ${method}, ${plan.epochs} epoch(s)`);
          runs.push(await trainMethod(method, data, paperSetting(dataset, trainSize, plan.epochs), { seed, quick, backend, log }));
          await afterEach(runs);
        }
      }
    }
  }
  return runs;
}

export const suite: BenchSuite = {
  name: 'losses',
  description: 'AROVR family vs BP on MNIST / Fashion-MNIST (LIFTED.md §4), AROVR epoch time vs BP and PyTorch, gradient check vs PyTorch',
  async run({ root, args, quick }) {
    const { name: backend } = await initBackend({ quiet: true });
    const script = peerScript(root, 'losses.py');
    const parts = ['--experiment', '--speed', '--breakdown', '--agreement', '--render'].filter((p) => args.includes(p));
    const all = parts.length === 0;
    const torch = args.includes('--no-pytorch') ? null : pytorchVersion();
    console.log(`backend ${backend}; PyTorch ${torch ?? 'not available'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const previous = readResults(root)?.runs ?? [];
    if (args.includes('--render')) {
      await writeArovrResults(root, previous);
      return;
    }
    if (all || args.includes('--agreement')) {
      if (torch === null) console.log('agreement check skipped: no PyTorch');
      else {
        const agreement = agreementCheck(script);
        console.log(`agreement: max relative difference ${agreement.maxRelativeDifference.toExponential(2)} (reference ${agreement.referenceIterations} PGD iterations)`);
        const saved = readBenchmark(root);
        writeBenchmark(root, { speed: saved.speed ?? null, breakdown: saved.breakdown ?? null, agreement, loadAverage: loadavg() });
      }
    }
    if (all || args.includes('--speed')) {
      const images = Number(args.find((a) => a.startsWith('--speed-images='))?.split('=')[1] ?? (quick ? 500 : 2_000));
      const speed = await speedComparison(await loadDataset('mnist'), torch === null ? null : script, { images, backend, repeats: quick ? 2 : 3 });
      const r = speed.ratios;
      console.log(`speed: AROVR/BP ${r.arovrOverBp.median.toFixed(2)}× (median), ours/PyTorch AROVR ${r.liftguardOverPytorchArovr?.median.toFixed(2) ?? '—'}×`);
      const saved = readBenchmark(root);
      writeBenchmark(root, { agreement: saved.agreement ?? null, speed, breakdown: saved.breakdown ?? null, loadAverage: loadavg() });
    }
    if (all || args.includes('--breakdown')) {
      const breakdown = await batchBreakdown();
      console.log(`breakdown: arovr compute ${breakdown.ms.arovrCompute.toFixed(1)} ms, of which tape gradient ${breakdown.ms.tapeSurrogateGradient.toFixed(1)} ms (closed form ${breakdown.ms.closedFormGradient.toFixed(1)} ms)`);
      const saved = readBenchmark(root);
      writeBenchmark(root, { agreement: saved.agreement ?? null, speed: saved.speed ?? null, breakdown, loadAverage: loadavg() });
    }
    if (all || args.includes('--experiment')) {
      const plan = experimentPlan(args, quick);
      console.log(`experiment: ${plan.datasets.join(',')} × ${plan.subsets.join(',')} images × seeds ${plan.seeds.join(',')} × ${plan.epochs} epochs × ${plan.methods.join(',')}`);
      // The merged file is rewritten after every run, so a long job can be stopped and resumed.
      await runExperiment(plan, { quick, backend, afterEach: async (runs) => void (await writeArovrResults(root, mergeRuns(previous, runs))) });
    }
  },
};
