// docs/results/arovr.{json,md}: runs merged across invocations, seed statistics, the Lipschitz plot.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentReport, renderMarkdown, type Block, type DocumentReport } from '@liftguard/report';
import { markdownTable, machineInfo, writeResults, type MachineInfo } from '../results.js';
import { paperMethods, paperSetting, runId, type ExperimentSetting, type MethodRun } from './losses-experiment.js';

export interface ArovrResults {
  machine: MachineInfo;
  runs: MethodRun[];
}

/** The full experiment the paper reports; what is missing from it is listed as not run. */
export const paperGrid = {
  datasets: ['mnist', 'fashion-mnist'] as const,
  subsets: [5_000, 50_000],
  seeds: [1, 2, 3],
  epochs: 20,
};

export function readResults(root: string): ArovrResults | null {
  const path = join(root, 'docs', 'results', 'arovr.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ArovrResults) : null;
}

/** Earlier runs stay unless the same run id is run again. */
export function mergeRuns(previous: MethodRun[], added: MethodRun[]): MethodRun[] {
  const byId = new Map(previous.map((r) => [r.id, r]));
  for (const r of added) byId.set(r.id, r);
  return [...byId.values()];
}

const settingKey = (s: ExperimentSetting, quick: boolean) => `${s.dataset}, ${s.trainSize.toLocaleString('en-US')} train, ${s.epochs} epochs${quick ? ' (quick)' : ''}`;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
// Sample standard deviation over seeds (n − 1); one seed has none.
const std = (v: number[]) => (v.length < 2 ? NaN : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const pct = (v: number) => (100 * v).toFixed(2);

export interface SettingGroup {
  key: string;
  setting: ExperimentSetting;
  quick: boolean;
  byMethod: Map<string, MethodRun[]>;
}

export function groupBySetting(runs: MethodRun[]): SettingGroup[] {
  const groups = new Map<string, SettingGroup>();
  for (const r of runs) {
    const key = settingKey(r.setting, r.quick);
    const group = groups.get(key) ?? { key, setting: r.setting, quick: r.quick, byMethod: new Map<string, MethodRun[]>() };
    group.byMethod.set(r.method, [...(group.byMethod.get(r.method) ?? []), r]);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const methodOrder = (m: string) => {
  const i = (paperMethods as readonly string[]).indexOf(m);
  return i < 0 ? paperMethods.length : i;
};

function summaryRows(group: SettingGroup): (string | number)[][] {
  const bpBySeed = new Map((group.byMethod.get('bp-squared') ?? []).map((r) => [r.seed, r.medianEpochSeconds]));
  return [...group.byMethod.entries()]
    .sort(([a], [b]) => methodOrder(a) - methodOrder(b))
    .map(([method, runs]) => {
      const acc = runs.map((r) => r.testAccuracy);
      const epoch = mean(runs.map((r) => r.medianEpochSeconds));
      // Paired by seed: each run against the BP run of the same seed (both ran in the same setting).
      const paired = runs.filter((r) => bpBySeed.has(r.seed)).map((r) => r.medianEpochSeconds / bpBySeed.get(r.seed)!);
      const sd = std(acc);
      const lipschitz = mean(runs.map((r) => r.lipschitz[r.lipschitz.length - 1]![0]!));
      const gaps = runs.map((r) => r.history[r.history.length - 1]?.diagnostics?.gap).filter((g): g is number => g !== undefined);
      return [
        group.key,
        method,
        runs.map((r) => r.seed).join(','),
        `${pct(mean(acc))}${Number.isNaN(sd) ? '' : ` ± ${pct(sd)}`}`,
        runs.map((r) => (r.bestEpoch ?? 0) + 1).join(','),
        epoch.toFixed(2),
        paired.length ? `${mean(paired).toFixed(2)}×` : '—',
        lipschitz.toFixed(2),
        gaps.length ? mean(gaps).toFixed(4) : '—',
        runs.map((r) => r.backend).filter((b, i, all) => all.indexOf(b) === i).join(','),
      ];
    });
}

/** The paper grid minus the runs present at full size (all seeds, all epochs), one line per dataset and subset. */
export function notRun(runs: MethodRun[]): string[] {
  const done = new Set(runs.filter((r) => !r.quick).map((r) => r.id));
  const missing: string[] = [];
  for (const dataset of paperGrid.datasets) {
    for (const trainSize of paperGrid.subsets) {
      const setting = paperSetting(dataset, trainSize, paperGrid.epochs);
      const seedsByMethod = paperMethods.map((method) => paperGrid.seeds.filter((seed) => !done.has(runId(method, setting, seed, false))).join(','));
      const where = `${dataset} ${trainSize.toLocaleString('en-US')}`;
      if (seedsByMethod.every((seeds) => seeds === seedsByMethod[0])) {
        if (seedsByMethod[0]) missing.push(`${where}: all ${paperMethods.length} methods, seed(s) ${seedsByMethod[0]}`);
      } else {
        const parts = paperMethods.map((method, i) => (seedsByMethod[i] ? `${method} (seed(s) ${seedsByMethod[i]})` : '')).filter(Boolean);
        missing.push(`${where}: ${parts.join(', ')}`);
      }
    }
  }
  return missing;
}

function chart(title: string, yLabel: string, group: SettingGroup, pointsOf: (r: MethodRun) => [number, number][]): Block {
  // One line per method: the mean over its seeds at each epoch.
  const series = [...group.byMethod.entries()]
    .sort(([a], [b]) => methodOrder(a) - methodOrder(b))
    .map(([method, runs]) => {
      const perRun = runs.map(pointsOf);
      const length = Math.min(...perRun.map((p) => p.length));
      const points = Array.from({ length }, (_, i) => [perRun[0]![i]![0], mean(perRun.map((p) => p[i]![1]))] as [number, number]);
      return { name: method, points };
    });
  return { type: 'line-chart', title: `${title} — ${group.key}`, x: { label: 'epoch' }, y: { label: yLabel }, series };
}

function plotReport(groups: SettingGroup[], backend: string, machine: MachineInfo): DocumentReport {
  const blocks: Block[] = [];
  for (const group of groups) {
    blocks.push(chart('Lipschitz estimate ‖W2 W1 W0‖₂ per epoch', '‖W2 W1 W0‖₂', group, (r) => r.lipschitz.map((l, epoch) => [epoch, l[0]!])));
    blocks.push(chart('Validation accuracy per epoch', 'validation accuracy', group, (r) => r.history.filter((h) => h.validationAccuracy !== undefined).map((h) => [h.epoch + 1, h.validationAccuracy!])));
  }
  const environment = { backend, libraryVersions: { '@tensorflow/tfjs-core': '4.22.0' }, node: machine.node, platform: machine.platform };
  return documentReport('AROVR experiment: Lipschitz estimates and validation accuracy per epoch', environment, blocks, machine.date);
}

/** Writes docs/results/arovr.{json,md} and the figures arovr.figure-N.svg under `root`. */
export async function writeArovrResults(root: string, runs: MethodRun[]): Promise<ArovrResults> {
  const machine = machineInfo();
  const results: ArovrResults = { machine, runs };
  const groups = groupBySetting(runs);
  const backend = runs[0]?.backend ?? 'unknown';
  const { markdown: figures, figures: svgs } = groups.length
    ? await renderMarkdown(plotReport(groups, backend, machine), { figurePrefix: 'arovr.', headingOffset: 1 })
    : { markdown: '', figures: [] };
  const configs = new Map<string, string>();
  for (const r of runs) configs.set(r.method, JSON.stringify(r.lossConfig));
  const missing = notRun(runs);
  const markdown = [
    '# AROVR family vs backprop (LIFTED.md §4)',
    '',
    'Generated by `npm run bench -- losses` (apps/bench/src/suites/losses.ts). MLP 784-128-128-10 (lifted init),',
    'Adam 1e-3, batch 50, squared loss where the method uses one; the last 10,000 training images pick the best epoch,',
    'whose weights are scored on the 10,000 test images. Mean ± sample std over seeds (no ± with one seed).',
    'Epoch time is the median training time per epoch (validation excluded); slowdown is the mean over seeds of the ratio to',
    'the bp-squared run of the same seed. The machine is shared (2 cores, other jobs\' load varies, and runs of one setting',
    'may happen at different times): epoch times and slowdowns here are rough;',
    'docs/benchmarks/losses.md has the same-run speed comparison. ‖W2W1W0‖₂ is the last epoch\'s',
    'estimate (power iteration), `gap` the last epoch\'s mean of value − ℓ_y(z*) for lifted losses (≥ 0 for AROVR and',
    'AROVR^γ, ≤ 0 for ROVR; the targeted losses bound ℓ_y(z^t) instead, so theirs can have either sign).',
    'The figures plot validation accuracy per epoch (test accuracy is scored once, at the best-on-validation epoch).',
    'All methods run at their library defaults (below); none were tuned here.',
    '',
    markdownTable(
      ['setting', 'method', 'seeds', 'test acc. %', 'best epoch', 'epoch s', 'slowdown vs BP', '‖W2W1W0‖₂', 'gap', 'backend'],
      groups.flatMap(summaryRows),
    ),
    '',
    '## Hyperparameters (resolved `loss.config`)',
    '',
    markdownTable(['method', 'config'], [...configs.entries()].sort(([a], [b]) => methodOrder(a) - methodOrder(b)).map(([m, c]) => [m, `\`${c}\``])),
    '',
    figures,
    '## Not run',
    '',
    missing.length ? `Of the paper grid (${paperGrid.datasets.join(', ')} × ${paperGrid.subsets.join(', ')} images × ${paperMethods.length} methods × seeds ${paperGrid.seeds.join(',')} × ${paperGrid.epochs} epochs), these were not run at full size:\n\n${missing.map((m) => `- ${m}`).join('\n')}` : 'Nothing: the full paper grid is present.',
  ].join('\n');
  writeResults(root, 'results', 'arovr', results, markdown);
  for (const f of svgs) writeFileSync(join(root, 'docs', 'results', `arovr.${f.name}`), f.svg);
  return results;
}
