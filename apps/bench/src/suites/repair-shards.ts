// Entries evaluated on consecutive ranges of the test images (`--test-offset`), combined into one
// entry over their union when they cover it from image 0: one run of the standard suite on all
// 10,000 test images outlasts a session, ranges of 1,000 do not.
import type { MaskingWarning } from '@liftguard/attacks';
import type { CandidateEvaluation, RepairExperimentConfig, RepairRun } from './repair-experiment.js';
import type { RobustAccuracy, SuiteEvaluation } from './repair-evaluation.js';
import type { RepairEntry } from './repair-report.js';

/** Where a combined entry's numbers come from. */
export interface ShardSource {
  id: string;
  offset: number;
  count: number;
}

/** Everything that must be equal for two entries to be shards of one evaluation: all but the test range. */
function shardKey(entry: RepairEntry): string {
  const { testCount: _count, testOffset: _offset, ...config } = entry.result.config;
  return JSON.stringify({ recipe: entry.recipe, weights: entry.weightsSha256, quick: entry.quick, config });
}

const offsetOf = (entry: RepairEntry) => entry.result.config.testOffset ?? 0;

/**
 * The entries with every complete group of shards replaced by one combined entry (id
 * `<id over all images>-from-shards`, `shards` naming the parts). A group is complete when
 * entries on the same weights and settings cover test images 0..T−1 without gap or overlap, at
 * least two of them; the combined entry keeps the |X_adv| whose repair (X_adv and pool) every
 * shard shares, and the candidates every shard evaluated. Other entries pass through.
 */
export function withShardsCombined(entries: readonly RepairEntry[]): RepairEntry[] {
  const groups = new Map<string, RepairEntry[]>();
  for (const e of entries) {
    if (e.weightsSha256 === undefined) continue;
    const key = shardKey(e);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const replaced = new Set<RepairEntry>();
  const combined: RepairEntry[] = [];
  for (const group of groups.values()) {
    const found = tilingFromZero(group);
    const entry = found && combine(found.tiling);
    if (found === undefined || entry === undefined) continue;
    [...found.tiling, ...found.superseded].forEach((e) => replaced.add(e));
    combined.push(entry);
  }
  return [...entries.filter((e) => !replaced.has(e)), ...combined];
}

/**
 * Entries, in order, that cover 0..T−1 exactly: an entry of the first images followed by shards
 * (runs from a later image), ≥ 2 in all; at each later image the newest run counts, and the
 * older ones are `superseded`. An entry of the first images that no shard continues (e.g. one
 * of all 10,000) is not part of it.
 */
function tilingFromZero(group: RepairEntry[]): { tiling: RepairEntry[]; superseded: RepairEntry[] } | undefined {
  const later = new Map<number, RepairEntry>();
  const older: RepairEntry[] = [];
  const newestLast = [...group].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt));
  for (const e of newestLast.filter((e) => offsetOf(e) > 0)) {
    const previous = later.get(offsetOf(e));
    if (previous) older.push(previous);
    later.set(offsetOf(e), e);
  }
  for (const start of newestLast.filter((e) => offsetOf(e) === 0).reverse()) {
    const tiling = [start];
    for (let at = start.result.config.testCount, next = later.get(at); next !== undefined; next = later.get(at)) {
      tiling.push(next);
      at += next.result.config.testCount;
    }
    if (tiling.length >= 2) return { tiling, superseded: older.filter((e) => tiling.some((t) => offsetOf(t) === offsetOf(e))) };
  }
  return undefined;
}

function combine(shards: RepairEntry[]): RepairEntry | undefined {
  const [first] = shards as [RepairEntry, ...RepairEntry[]];
  const last = shards.at(-1)!;
  const counts = shards.map((e) => e.result.config.testCount);
  const total = counts.reduce((a, b) => a + b, 0);
  const runs = first.result.runs.flatMap((run) => {
    const parts = shards.map((e) => e.result.runs.find((r) => sameRepair(r, run)));
    if (parts.some((p) => p === undefined)) return [];
    const candidates = run.evaluations.map((v) => v.candidate).filter((c) => parts.every((p) => p!.evaluations.some((v) => v.candidate === c)));
    const evaluations = candidates.map((c) => combineEvaluations(parts.map((p) => p!.evaluations.find((v) => v.candidate === c)!), counts));
    const { session: _session, ...plain } = run as RepairRun & { session?: unknown };
    return [{ ...plain, evaluations }];
  });
  if (runs.length === 0) return undefined;
  const { testOffset: _offset, ...shared } = first.result.config;
  const config: RepairExperimentConfig = { ...shared, testCount: total };
  const originals = shards.map((e) => e.result.original);
  const suites = originals.map((o) => o.suite);
  const result = {
    ...first.result,
    config,
    original: {
      cleanAccuracy: weighted(originals.map((o) => o.cleanAccuracy), counts),
      robustAccuracy: combineRobust(originals.map((o) => o.robustAccuracy), counts),
      transferGenerationSeconds: originals.reduce((s, o) => s + o.transferGenerationSeconds, 0),
      suite: suites.every((s) => s) ? combineSuites(suites as SuiteEvaluation[], counts) : null,
    },
    runs,
    machine: { ...first.result.machine, loadAverageEnd: last.result.machine.loadAverageEnd },
  };
  const id = first.id.replace(`-test${first.result.config.testCount}-`, `-test${total}-`) + '-from-shards';
  return { ...last, id, pretrainSeconds: null, result, shards: shards.map((e) => ({ id: e.id, offset: offsetOf(e), count: e.result.config.testCount })) };
}

/** The same repair: the same X_adv, pool and selections. */
function sameRepair(a: RepairRun, b: RepairRun): boolean {
  const facts = (r: RepairRun) => JSON.stringify([r.size, r.adversarialSet, r.pool, r.selections]);
  return facts(a) === facts(b);
}

/** Shares averaged with the shards' image counts as weights: the share of all images. */
function weighted(values: number[], counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  return values.reduce((s, v, i) => s + v * counts[i]!, 0) / total;
}

const perEpsilon = (rows: number[][], counts: number[]) => rows[0]!.map((_, e) => weighted(rows.map((r) => r[e]!), counts));
const summed = (rows: number[][]) => rows[0]!.map((_, e) => rows.reduce((s, r) => s + r[e]!, 0));

function combineRobust(parts: RobustAccuracy[], counts: number[]): RobustAccuracy {
  return { fgsm: perEpsilon(parts.map((p) => p.fgsm), counts), pgd: perEpsilon(parts.map((p) => p.pgd), counts) };
}

/** The suites' union, or null when they ran different versions or stages (not one evaluation). */
function combineSuites(parts: SuiteEvaluation[], counts: number[]): SuiteEvaluation | null {
  const [first] = parts as [SuiteEvaluation, ...SuiteEvaluation[]];
  const layout = (p: SuiteEvaluation) => JSON.stringify([p.version, p.stages.map((s) => s.name)]);
  if (parts.some((p) => layout(p) !== layout(first))) return null;
  const warnings = new Map<string, MaskingWarning>();
  for (const w of parts.flatMap((p) => p.maskingWarnings)) warnings.set(JSON.stringify(w), w);
  return {
    version: first.version,
    robustAccuracy: perEpsilon(parts.map((p) => p.robustAccuracy), counts),
    stages: first.stages.map((stage, k) => {
      const same = parts.map((p) => p.stages[k]!);
      return { name: stage.name, attacked: summed(same.map((s) => s.attacked)), broken: summed(same.map((s) => s.broken)), robustAccuracy: perEpsilon(same.map((s) => s.robustAccuracy), counts), seconds: summed(same.map((s) => s.seconds)) };
    }),
    seconds: parts.reduce((s, p) => s + p.seconds, 0),
    maskingWarnings: [...warnings.values()],
  };
}

function combineEvaluations(parts: CandidateEvaluation[], counts: number[]): CandidateEvaluation {
  const [first] = parts as [CandidateEvaluation, ...CandidateEvaluation[]];
  const adaptive = parts.map((p) => p.adaptive);
  const suites = parts.map((p) => p.suite);
  const seconds = parts.map((p) => p.adaptiveSeconds);
  return {
    candidate: first.candidate,
    cleanAccuracy: weighted(parts.map((p) => p.cleanAccuracy), counts),
    // X_adv is the same in every shard.
    adversarialSetAccuracy: first.adversarialSetAccuracy,
    transfer: combineRobust(parts.map((p) => p.transfer), counts),
    adaptive: adaptive.every((a) => a) ? combineRobust(adaptive as RobustAccuracy[], counts) : null,
    suite: suites.every((s) => s) ? combineSuites(suites as SuiteEvaluation[], counts) : null,
    adaptiveSeconds: seconds.every((s) => s !== null) ? (seconds as number[]).reduce((a, b) => a + b, 0) : null,
  };
}
