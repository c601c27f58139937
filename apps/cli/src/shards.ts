import type { OptionValues } from './command.js';
import { UsageError } from './errors.js';

/** One shard of a run: examples [offset, end) of the whole set. */
export interface Shard {
  index: number;
  count: number;
  offset: number;
  end: number;
}

/**
 * `--shard I/N`: shard I (0-based) of N over `total` examples, cut at whole batches so every
 * shard's random streams are the ones the unsharded run uses for the same examples.
 */
export function shardOf(values: OptionValues, total: number, batchSize: number): Shard | undefined {
  const raw = values.shard;
  if (raw === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(String(raw));
  if (!match) throw new UsageError(`--shard must be I/N (e.g. 0/4), got '${String(raw)}'`);
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (count < 1 || index >= count) throw new UsageError(`--shard ${index}/${count}: I must be in [0, N) and N ≥ 1`);
  const blocks = Math.ceil(total / batchSize);
  if (count > blocks) throw new UsageError(`--shard ${index}/${count}: ${total} examples make only ${blocks} batch(es) of ${batchSize}; use at most ${blocks} shards`);
  const first = Math.floor((index * blocks) / count);
  const last = Math.floor(((index + 1) * blocks) / count);
  return { index, count, offset: first * batchSize, end: Math.min(last * batchSize, total) };
}
