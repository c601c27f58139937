import type { MaskingWarning } from '@liftguard/attacks';
import { shardOrder, type ShardPlace } from '@liftguard/report';
import { UsageError } from './errors.js';

/** What `liftguard eval --json` prints: one run, or one shard of it. */
export interface EvalSummary {
  model: string;
  dataset: string;
  split: string;
  count: number;
  shard?: ShardPlace;
  inputRange: [number, number];
  data?: string;
  cleanAccuracy: number;
  cleanCount: number;
  norm: string;
  threatModel?: string;
  suite?: string;
  robust: { attack: string; epsilons: number[]; robustAccuracy: number[]; robustCount: number[] }[];
  maskingWarnings?: MaskingWarning[];
}

/** The summary as the lines `eval` prints. */
export function describeEval(summary: EvalSummary): string {
  const part = summary.shard ? ` (shard ${summary.shard.index}/${summary.shard.count}, examples ${summary.shard.offset}..${summary.shard.offset + summary.count - 1} of ${summary.shard.total})` : '';
  return [
    `${summary.model} on ${summary.dataset} ${summary.split} (${summary.count} images${part}): clean accuracy ${(100 * summary.cleanAccuracy).toFixed(2)}%`,
    ...summary.robust.map((r) => `${r.attack} ${summary.norm}: ` + r.epsilons.map((e, i) => `ε=${e}: ${(100 * r.robustAccuracy[i]!).toFixed(2)}%`).join(', ')),
  ].join('\n');
}

/** Whether parsed JSON is an eval summary (for `merge`, which also takes robustness reports). */
export function isEvalSummary(value: unknown): value is EvalSummary {
  const v = value as Partial<EvalSummary> | null;
  return typeof v === 'object' && v !== null && typeof v.cleanCount === 'number' && Array.isArray(v.robust) && typeof v.count === 'number';
}

/**
 * Joins the summaries of `eval --shard I/N` runs into the summary of the unsharded run: counts
 * are summed and divided once, so the result equals one run's exactly.
 */
export function mergeEvalShards(parts: readonly EvalSummary[]): EvalSummary {
  const shards = parts.map((p, i) => {
    if (p.shard === undefined) throw new UsageError(`eval output ${i + 1} is not a shard (run eval with --shard I/N)`);
    return p.shard;
  });
  const order = shardOrder(shards, parts.map((p) => p.count)).map((i) => ({ p: parts[i]! }));
  const total = shards[0]!.total;
  const first = order[0]!.p;
  const key = (p: EvalSummary) => JSON.stringify([p.model, p.dataset, p.split, p.norm, p.inputRange, p.suite ?? null, p.robust.map((r) => [r.attack, r.epsilons])]);
  for (const { p } of order) if (key(p) !== key(first)) throw new UsageError(`shard ${p.shard!.index} evaluated a different model, data or attacks than shard 0`);
  const sum = (pick: (p: EvalSummary) => number) => order.reduce((s, { p }) => s + pick(p), 0);
  const cleanCount = sum((p) => p.cleanCount);
  const warnings = order.flatMap(({ p }) => p.maskingWarnings ?? []);
  const { shard: _shard, ...rest } = first;
  return {
    ...rest,
    count: total,
    cleanAccuracy: cleanCount / total,
    cleanCount,
    robust: first.robust.map((r, k) => {
      const robustCount = r.epsilons.map((_, e) => sum((p) => p.robust[k]!.robustCount[e]!));
      return { ...r, robustCount, robustAccuracy: robustCount.map((c) => c / total) };
    }),
    ...(first.maskingWarnings ? { maskingWarnings: warnings } : {}),
  };
}
