// The AROVR tuning study (issue #20): equal-budget random search per method selected on validation,
// seeds on test, the paper's regime, and internal robustness both ways. docs/results/arovr-study.*
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { loadDataset, type Dataset, type DatasetName } from '@liftguard/data';
import { initBackend } from '@liftguard/tensor';
import type { BenchSuite } from '../suite.js';
import { writeStudyResults, type StudyResults } from './study-report.js';
import { internalRobustness } from './study-robustness.js';
import { defaultTrial, sampleTrial, studyMethods, type TrialConfig } from './study-space.js';
import { trainStudyRun, type StudyRun } from './study-train.js';

const usage = `study [--quick] [--stages=tour,search,test,long,regime,large] [--datasets=mnist,fashion-mnist] [--trials=5] [--selection-datasets=mnist,fashion-mnist] [--render]`;
const stages = ['tour', 'search', 'test', 'long', 'regime', 'large'] as const;
/** Methods trained for 20 epochs and in the paper's regime (time: the other two are 2–4× AROVR's cost there). */
const longMethods = ['bp', 'rovr', 'arovr', 'arovr-alpha-beta', 'arovr-alpha', 'arovr-d'] as const;

function option(args: string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** BP candidates for the paper's regime (20 epochs, last epoch reported); one of them is the reference setting. */
export function regimeCandidates(epochs: number): { name: string; config: TrialConfig }[] {
  const bp = { ...defaultTrial('bp', epochs), restoreBest: false };
  return [
    { name: 'reference (Adam 1e-3, 128-128, authors\' init)', config: bp },
    { name: 'hidden 32-32', config: { ...bp, widths: [784, 32, 32, 10] } },
    { name: 'Adam 1e-4', config: { ...bp, learningRate: 1e-4 } },
    { name: 'SGD 0.05', config: { ...bp, optimizer: 'sgd', learningRate: 0.05 } },
  ];
}

/** The method's config moved into a regime: same optimizer, lr, widths, init, epochs, reporting. */
function inRegime(method: string, regime: TrialConfig): TrialConfig {
  return { ...regime, method, loss: method === 'bp' ? 'bp-squared' : method, lossOptions: {} };
}

const bestTrial = (runs: StudyRun[]) => runs.filter((r) => !r.error).reduce<StudyRun | undefined>((best, r) => (best === undefined || r.bestValidation > best.bestValidation ? r : best), undefined);

export const suite: BenchSuite = {
  name: 'study',
  description: 'AROVR tuning study (issue #20): equal-budget search, paper regime, internal robustness both ways',
  async run({ root, args, quick }) {
    const { name: backend } = await initBackend({ quiet: true });
    const file = join(root, 'docs', 'results', 'arovr-study.json');
    const results: StudyResults = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as StudyResults)
      : { backend, runs: [], robustness: [], notes: [] };
    if (args.includes('--render')) return writeStudyResults(root, results);
    const wanted = option(args, 'stages')?.split(',') ?? [...stages];
    for (const s of wanted) if (!(stages as readonly string[]).includes(s)) throw new Error(`--stages: unknown '${s}'\n${usage}`);
    const datasets = (option(args, 'datasets')?.split(',') ?? ['mnist', 'fashion-mnist']) as DatasetName[];
    const trials = Number(option(args, 'trials') ?? (quick ? 2 : 5));
    if (!Number.isInteger(trials) || trials < 1) throw new Error(`--trials: a positive integer, got ${option(args, 'trials')}\n${usage}`);
    const small = quick ? 1_000 : 5_000;
    const maxEpochs = quick ? 1 : 5;
    const longEpochs = quick ? 2 : 20;
    const robustCount = quick ? 100 : 500;
    const seeds = quick ? [1] : [1, 2, 3];
    const tag = quick ? 'quick-' : '';
    console.log(`backend ${backend}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; stages ${wanted.join(',')}; ${trials} trials/method`);

    const data = new Map<DatasetName, Dataset>();
    const load = async (d: DatasetName) => data.get(d) ?? data.set(d, await loadDataset(d)).get(d)!;
    // Several study processes may share the file: merge what is on disk (theirs) with ours (newer) before writing.
    const mine = new Set<string>();
    const save = () => {
      const disk: StudyResults | null = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StudyResults) : null;
      if (disk) {
        results.runs = [...disk.runs.filter((r) => !mine.has(r.id)), ...results.runs.filter((r) => mine.has(r.id))];
        results.robustness = [...disk.robustness.filter((r) => !mine.has(r.runId)), ...results.robustness.filter((r) => mine.has(r.runId))];
        results.notes = [...new Set([...disk.notes, ...results.notes])];
      }
      writeStudyResults(root, results);
    };
    const done = (id: string) => results.runs.find((r) => r.id === id);
    /** Trains (or reuses) one run; with `robust`, measures internal robustness of the trained weights. */
    const run = async (id: string, stage: string, config: TrialConfig, dataset: DatasetName, trainSize: number, seed: number, robust = false) => {
      const previous = done(id);
      if (previous && (!robust || results.robustness.some((r) => r.runId === id))) return previous;
      console.log(`${id} (${stage})`);
      const r = await trainStudyRun(id, config, await load(dataset), {
        trainSize,
        seed,
        log: console.log,
        inspect: robust
          ? async (model) => {
              const started = performance.now();
              const measured = await internalRobustness(model, (await load(dataset)).test, robustCount, quick);
              results.robustness = results.robustness.filter((x) => x.runId !== id);
              results.robustness.push({ runId: id, stage, ...measured });
              console.log(`  robustness ${((performance.now() - started) / 1000).toFixed(0)} s: ` + measured.attacks.map((a) => `${a.name} L1 ρ0.1 ${(100 * a.relative[0]![1]!).toFixed(1)}%`).join(', '));
            }
          : undefined,
      });
      mine.add(id);
      results.runs = results.runs.filter((x) => x.id !== id);
      results.runs.push({ ...r, stage } as StudyRun & { stage: string });
      save();
      return r;
    };

    if (wanted.includes('tour')) {
      // The tour's own setting: 5k MNIST, 5 epochs, defaults, seed 0, best epoch restored.
      for (const method of ['bp', 'arovr']) await run(`${tag}tour-mnist-${method}`, 'tour', defaultTrial(method, maxEpochs), 'mnist', small, 0, true);
    }
    const tuned = new Map<string, TrialConfig>();
    for (const dataset of datasets) {
      for (const method of studyMethods) {
        if (!wanted.includes('search') && !wanted.includes('test')) break;
        const trialRuns: StudyRun[] = [];
        for (let t = 0; t < trials; t++) {
          const id = `${tag}search-${dataset}-${method}-t${t}`;
          if (wanted.includes('search')) trialRuns.push(await run(id, 'search', sampleTrial(method, t, maxEpochs), dataset, small, 100 + t));
          else if (done(id)) trialRuns.push(done(id)!);
        }
        const best = bestTrial(trialRuns);
        if (!best) continue;
        tuned.set(`${dataset}/${method}`, best.config);
        if (wanted.includes('test'))
          for (const seed of seeds) await run(`${tag}test-${dataset}-${method}-s${seed}`, 'test', best.config, dataset, small, seed, seed === seeds[0]);
      }
    }
    const candidates = regimeCandidates(longEpochs);
    const candidateId = (i: number) => (i === 0 ? `${tag}long-mnist-bp` : `${tag}regime-mnist-bp-${i}`);
    // Candidate 0 is the reference: BP and AROVR at library defaults for 20 epochs, last-epoch weights, robustness measured.
    if (wanted.includes('long'))
      for (const method of longMethods) await run(`${tag}long-mnist-${method}`, 'long', inRegime(method, candidates[0]!.config), 'mnist', small, 1, true);
    if (wanted.includes('regime')) {
      for (const [i, c] of candidates.entries()) if (i > 0) await run(candidateId(i), 'regime-bp', c.config, 'mnist', small, 1);
      // The candidate whose last-epoch test accuracy is nearest the paper's MNIST 5k BP (92.26 %): matching a published number, not model selection.
      const scored = candidates.map((_, i) => ({ i, run: done(candidateId(i))! })).filter((c) => c.run && !c.run.error);
      const nearest = scored.reduce((a, b) => (Math.abs(b.run.testAtLast - 0.9226) < Math.abs(a.run.testAtLast - 0.9226) ? b : a));
      results.notes = results.notes.filter((n) => !n.startsWith('regime:'));
      results.notes.push(`regime: nearest to the paper's BP is candidate ${nearest.i} (${candidates[nearest.i]!.name})`);
      for (const dataset of datasets)
        for (const method of longMethods) {
          if (nearest.i === 0 && dataset === 'mnist') continue;
          const config = method === 'bp' ? candidates[nearest.i]!.config : inRegime(method, candidates[nearest.i]!.config);
          await run(`${tag}regime-${dataset}-${method}`, 'regime', config, dataset, small, 1);
        }
    }
    if (wanted.includes('large')) {
      // Selection reads the search of both datasets, whichever datasets this process trains at 50k.
      const searched = option(args, 'selection-datasets')?.split(',') ?? datasets;
      // The two methods whose best search trial has the highest validation accuracy, averaged over the datasets searched.
      const score = (method: string) => {
        const v = searched.map((d) => bestTrial(results.runs.filter((r) => r.id.startsWith(`${tag}search-${d}-${method}-t`)))?.bestValidation ?? Number.NaN);
        return v.some(Number.isNaN) ? -1 : v.reduce((a, b) => a + b, 0) / v.length;
      };
      const top = [...studyMethods].sort((a, b) => score(b) - score(a)).slice(0, 2);
      results.notes = results.notes.filter((n) => !n.startsWith('large:'));
      results.notes.push(`large: top two by best-trial validation accuracy (mean over ${searched.join(', ')}): ${top.map((m) => `${m} ${(100 * score(m)).toFixed(2)}`).join(', ')}`);
      const large = quick ? 2_000 : 50_000;
      for (const dataset of datasets)
        for (const method of top) {
          const config = tuned.get(`${dataset}/${method}`) ?? bestTrial(results.runs.filter((r) => r.id.startsWith(`${tag}search-${dataset}-${method}-t`)))?.config;
          if (config) for (const seed of seeds) await run(`${tag}large-${dataset}-${method}-s${seed}`, 'large', config, dataset, large, seed);
        }
    }
    save();
  },
};
