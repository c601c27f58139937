import { parseReport } from '../parse-report.js';
import type { RobustnessReport, WorstCaseEntry } from '../schema/robustness.js';

/** Thrown when shard reports do not make up one whole run. */
export class ShardMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardMergeError';
  }
}

/** Examples counted right, from an accuracy over `count` examples (accuracies are count/total, so this is exact). */
const correct = (accuracy: number, count: number) => Math.round(accuracy * count);

/** Σ correct / total for per-shard accuracies. */
function pooled(values: readonly (number | null)[], counts: readonly number[], total: number): number | null {
  if (values.some((v) => v === null)) return null;
  return values.reduce<number>((sum, v, i) => sum + correct(v!, counts[i]!), 0) / total;
}

/** The same everywhere, or a ShardMergeError naming what differs. */
function same<T>(what: string, values: readonly T[]): T {
  const first = JSON.stringify(values[0]);
  const other = values.findIndex((v) => JSON.stringify(v) !== first);
  if (other >= 0) throw new ShardMergeError(`shards differ in ${what}: shard ${other} has ${JSON.stringify(values[other])}, shard 0 has ${first}`);
  return values[0]!;
}

/** Where one shard sits in the whole run, as `attack --shard` and `eval --shard` record it. */
export interface ShardPlace {
  index: number;
  count: number;
  offset: number;
  total: number;
}

/**
 * The positions of `shards` in shard order, after checking they make up one whole run: the same
 * shard count and total, shards 0..n−1 once each, each starting where the one before ended
 * (`sizes[i]` examples in shard i), and all of them together the total. Throws ShardMergeError.
 */
export function shardOrder(shards: readonly ShardPlace[], sizes: readonly number[]): number[] {
  if (shards.length === 0) throw new ShardMergeError('no shards to merge');
  const count = same('shard count', shards.map((s) => s.count));
  const total = same('total examples', shards.map((s) => s.total));
  const order = shards.map((_, i) => i).sort((a, b) => shards[a]!.index - shards[b]!.index);
  if (order.length !== count || order.some((i, k) => shards[i]!.index !== k)) {
    throw new ShardMergeError(`need shards 0..${count - 1} once each; got ${shards.map((s) => s.index).sort((a, b) => a - b).join(', ')}`);
  }
  let next = 0;
  for (const i of order) {
    if (shards[i]!.offset !== next) throw new ShardMergeError(`shard ${shards[i]!.index} starts at example ${shards[i]!.offset}, expected ${next}`);
    next += sizes[i]!;
  }
  if (next !== total) throw new ShardMergeError(`the shards hold ${next} examples, their header says ${total}`);
  return order;
}

/**
 * Joins the reports of shards 0..n−1 of one attack run (same model, data, attacks, ε) into the
 * report of the whole run: accuracies pooled from exact per-shard counts, counts and times summed.
 */
export function mergeShardReports(reports: readonly RobustnessReport[]): RobustnessReport {
  if (reports.length === 0) throw new ShardMergeError('no shard reports to merge');
  const shards = reports.map((r, i) => {
    if (r.shard === undefined) throw new ShardMergeError(`report ${i} ('${r.title}') is not a shard`);
    return r.shard;
  });
  const order = shardOrder(shards, reports.map((r) => r.dataset.count));
  const total = shards[0]!.total;
  const sorted = order.map((i) => reports[i]!);
  const counts = sorted.map((r) => r.dataset.count);
  same('model', sorted.map((r) => r.model));
  same('data', sorted.map((r) => ({ name: r.dataset.name, split: r.dataset.split })));
  same('attacks', sorted.map((r) => r.worstCase.map((w) => ({ norm: w.norm, attacks: w.attacks, epsilons: w.epsilons, config: w.config.attacks }))));
  same('internal-layer radii', sorted.map((r) => r.internalLayers?.rhos ?? null));
  const worstCase = sorted[0]!.worstCase.map((entry, w): WorstCaseEntry => {
    const parts = sorted.map((r) => r.worstCase[w]!);
    const perEpsilon = (pick: (p: WorstCaseEntry) => number[] | null) => entry.epsilons.map((_, e) => pooled(parts.map((p) => pick(p)?.[e] ?? null), counts, total));
    return {
      ...entry,
      robustAccuracy: entry.robustAccuracy === null ? null : (perEpsilon((p) => p.robustAccuracy) as number[]),
      stages: entry.stages.map((stage, k) => ({
        ...stage,
        attacked: stage.attacked.map((_, e) => parts.reduce((sum, p) => sum + p.stages[k]!.attacked[e]!, 0)),
        robustAccuracy: stage.robustAccuracy === null ? null : (perEpsilon((p) => p.stages[k]!.robustAccuracy) as number[]),
        timingsMs: stage.timingsMs.map((_, e) => parts.reduce((sum, p) => sum + p.stages[k]!.timingsMs[e]!, 0)),
      })),
      timings: {
        totalMs: parts.reduce((sum, p) => sum + p.timings.totalMs, 0),
        perEpsilonMs: entry.timings.perEpsilonMs.map((_, e) => parts.reduce((sum, p) => sum + p.timings.perEpsilonMs[e]!, 0)),
      },
    };
  });
  const first = sorted[0]!;
  const { shard: _shard, examples: _examples, internalLayers, ...rest } = first;
  const internal = internalLayers && {
    ...internalLayers,
    layers: internalLayers.layers.map((layer, l) => ({
      ...layer,
      // A mean over examples: weighted by each shard's size (not bit-exact, unlike the accuracies).
      meanActivityNorm: sorted.reduce((sum, r, i) => sum + r.internalLayers!.layers[l]!.meanActivityNorm * counts[i]!, 0) / total,
      robustAccuracy: internalLayers.rhos.map((_, k) => pooled(sorted.map((r) => r.internalLayers!.layers[l]!.robustAccuracy[k]!), counts, total)!),
    })),
  };
  return parseReport({
    ...rest,
    title: first.title.replace(/ \(shard \d+\/\d+\)$/, ''),
    dataset: { ...first.dataset, count: total },
    cleanAccuracy: pooled(sorted.map((r) => r.cleanAccuracy), counts, total),
    worstCase,
    attacks: [],
    ...(internal ? { internalLayers: internal } : {}),
    notes: [...(first.notes ?? []), `Merged from ${sorted.length} shards (examples ${sorted.map((r, i) => `${r.shard!.offset}–${r.shard!.offset + counts[i]! - 1}`).join(', ')}).`],
  }) as RobustnessReport;
}
