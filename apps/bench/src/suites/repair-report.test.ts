// The repair page's threat-model labels and claim comparisons, on hand-made entries whose gains are known by construction.
import { describe, expect, it } from 'vitest';
import type { RepairRun } from './repair-experiment.js';
import { acc, entry, evaluation } from './repair-entry-fixture.js';
import { mergeEntry, repairMarkdown, type RepairEntry, type RepairResultsFile, type StoredRun } from './repair-report.js';
import { reusableOriginalSuite } from './repair-reuse.js';
import { withShardsCombined } from './repair-shards.js';

const unclipped = entry({ clip: false, suite: false, testCount: 10_000, before: acc(50, 5, 1), after: acc(86, 35, 1), finishedAt: '2026-11-21T00:00:00Z' });
const clippedPgd = entry({ clip: true, suite: false, testCount: 10_000, before: acc(60, 10, 0.5), after: acc(88, 30, 0.5), finishedAt: '2026-12-07T05:00:00Z' });
const clippedSuite = entry({ clip: true, suite: true, testCount: 1_000, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), suiteBefore: acc(58, 9, 0), suiteAfter: acc(87, 29, 0), finishedAt: '2026-12-07T04:00:00Z' });
const file: RepairResultsFile = { entries: [unclipped, clippedPgd, clippedSuite], figures: 'svg' };
const page = repairMarkdown(file);
const heading = (e: RepairEntry) => page.split('\n').find((line) => line.startsWith(`## ${e.id} — `))!;

describe('repair page (issue #18 threat model)', () => {
  it('labels unclipped entries superseded by the clipped suite entry and the clipped 10,000-image one, and clipped FGSM / PGD-only entries not at all', () => {
    expect(heading(unclipped)).toBe(`## ${unclipped.id} — PGD/FGSM only, unclipped (superseded by ${clippedSuite.id} and ${clippedPgd.id})`);
    expect(heading(clippedPgd)).toBe(`## ${clippedPgd.id} — PGD/FGSM only, clipped to [0, 1]`);
    expect(heading(clippedSuite)).toBe(`## ${clippedSuite.id} — FGSM / PGD and AutoAttack (standard), clipped to [0, 1]`);
  });

  it('states how the paper-claim gains changed, unclipped → clipped (30 and 20 points at ε 0.1 by construction)', () => {
    expect(page).toContain('adaptive PGD-40 ε 0.1: +30.0 (5.0 → 35.0 %) → +20.0 (10.0 → 30.0 %)');
    expect(page).toContain('adaptive PGD-40 ε 0.2: +0.0 (1.0 → 1.0 %) → +0.0 (0.5 → 0.5 %)');
  });

  it('quotes the larger clipped PGD measurement of the same repair beside the suite row', () => {
    expect(page).toContain(`on 10,000 test images (${clippedPgd.id}, the same repaired model) PGD-40 reads 10.0 → 30.0 % at ε 0.1 (+20.0)`);
  });

  it('says where the suite gain left the unclipped claim beyond two binomial standard errors (closed form: 2·√(Σ p(1−p)/n) = 3.6 points)', () => {
    expect(page).toContain('**The claim changed beyond sampling noise**');
    expect(page).toContain('CNNLight |X_adv| = 10 on 1,000 images (+20.0 under the suite against +30.0 claimed, -10.0 points, 2 standard errors 3.6)');
  });

  it("puts the suite's gain beside FGSM / PGD in the recipe-scale table once an entry ran it on 10,000 images (19 points at ε 0.1 by construction)", () => {
    const atScale = { ...clippedSuite, id: `${clippedSuite.id}-at-scale`, result: { ...clippedSuite.result, config: { ...clippedSuite.result.config, testCount: 10_000 } } };
    const page = repairMarkdown({ entries: [unclipped, clippedPgd, atScale], figures: 'svg' });
    expect(page).toContain(`| ${atScale.id} | 10 | M 20, ω 0.6 | -1.0 | +28.0 / +21.0 / +0.0 | +28.0 / +21.0 / +0.0 | +28.0 / +21.0 / +0.0 | +28.0 / +21.0 / +0.0 | +29.0 / +20.0 / +0.0 |`);
    expect(page).toContain(`| ${clippedPgd.id} | 10 | M 20, ω 0.6 | -1.0 | +28.0 / +20.0 / +0.0 | +28.0 / +20.0 / +0.0 | +28.0 / +20.0 / +0.0 | +28.0 / +20.0 / +0.0 | — |`);
    expect(page).toContain('the "-aa-" rows ran the standard AutoAttack suite on all 10,000 test images beside FGSM / PGD');
    expect(page).toContain(`- **CNNLight, |X_adv| = 10** (${atScale.id}; M 20`);
  });

  it('lists the missing grid per tier: AutoAttack nowhere at 10,000 images, FGSM / PGD missing ω and M values', () => {
    expect(page).toContain(`- cnn-light, AutoAttack: nothing at the recipe's scale (10 pre-training epochs, 10,000 test images); smaller runs: ${clippedSuite.id} (|X_adv| 10).`);
    expect(page).toContain('- cnn-light, FGSM / PGD only: |X_adv| = 50, 100 not run at the recipe\'s scale.');
    expect(page).toContain('- cnn-light, FGSM / PGD only: ω = 0, 0.2, 0.4 not run at the recipe\'s scale.');
    expect(page).toContain(`- Superseded (PGD/FGSM only, unclipped) runs at the recipe's scale, kept below for continuity: ${unclipped.id} (|X_adv| 10).`);
  });
});

describe('entries merged from several sessions', () => {
  const first = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), finishedAt: '2026-12-07T03:18:00Z', load: 22 });
  const second = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), finishedAt: '2026-12-07T04:41:00Z', load: 2, size: 100 });
  const merged = mergeEntry(mergeEntry({ entries: [], figures: 'svg' }, first), second);

  it('keeps each run with the session it was measured in', () => {
    const runs = merged.entries[0]!.result.runs as StoredRun[];
    expect(runs.map((r) => [r.size, r.session?.finishedAt, r.session?.loadAverageStart[0]])).toEqual([
      [10, '2026-12-07T03:18:00Z', 22],
      [100, '2026-12-07T04:41:00Z', 2],
    ]);
  });

  it("names both sessions in the entry and times the |X_adv| = 10 repair under its own session's load", () => {
    const mergedPage = repairMarkdown(merged);
    expect(mergedPage).toContain('The runs come from 2 sessions of the same settings');
    expect(mergedPage).toContain('|X_adv| 10 finished 2026-12-07 03:18 UTC (load average 22.0/22.0/22.0 at start');
    expect(mergedPage).toContain(`| ${first.id} | 1.0 s | 0 | max-iterations | yes | 22.0/22.0/22.0 |`);
  });
});

describe('entries of other pre-trained weights', () => {
  const older = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), finishedAt: '2026-12-07T03:18:00Z', weights: 'w0' });
  const newer = entry({ clip: true, suite: true, testCount: 200, before: acc(61, 11, 0.5), after: acc(87, 30, 0.5), finishedAt: '2026-12-08T03:18:00Z', size: 100, weights: 'w2' });

  it('are not merged into one entry: the other model keeps its runs under an id naming its weights', () => {
    const merged = mergeEntry(mergeEntry({ entries: [], figures: 'svg' }, older), newer);
    expect(merged.entries.map((e) => [e.id, e.weightsSha256, e.result.runs.map((r) => r.size)])).toEqual([
      [`${older.id}-weights-w0`, 'w0', [10]],
      [newer.id, 'w2', [100]],
    ]);
    // A third pre-training, and one with unrecorded weights: nothing is dropped, ids stay unique.
    const third = mergeEntry(mergeEntry(merged, { ...newer, weightsSha256: 'w0' }), { ...newer, weightsSha256: 'w3' });
    expect(third.entries.map((e) => [e.id, e.weightsSha256])).toEqual([
      [`${older.id}-weights-w0`, 'w0'],
      [`${older.id}-weights-w2`, 'w2'],
      [`${older.id}-weights-w0-2`, 'w0'],
      [newer.id, 'w3'],
    ]);
    const unknown = { ...older, weightsSha256: undefined };
    expect(mergeEntry({ entries: [unknown], figures: 'svg' }, newer).entries.map((e) => [e.id, e.result.runs.map((r) => r.size)])).toEqual([
      [`${older.id}-weights-unrecorded`, [10]],
      [newer.id, [100]],
    ]);
  });

  it('are never called the same repaired model when a suite row quotes a larger FGSM / PGD entry', () => {
    const suiteEntry = entry({ clip: true, suite: true, testCount: 1_000, before: acc(61, 9, 0), after: acc(86, 31, 0), suiteBefore: acc(60, 8, 0), suiteAfter: acc(85, 29, 0), finishedAt: '2026-12-08T05:00:00Z', weights: 'w2' });
    const page = repairMarkdown({ entries: [clippedPgd, suiteEntry], figures: 'svg' });
    expect(page).toContain(`on 10,000 test images (${clippedPgd.id}, another pre-training of the same recipe, so other weights before and after repair) PGD-40 reads 10.0 → 30.0 % at ε 0.1 (+20.0)`);
    expect(page).not.toContain('the same repaired model');
    const unrecorded = repairMarkdown({ entries: [{ ...clippedPgd, weightsSha256: undefined }, suiteEntry], figures: 'svg' });
    expect(unrecorded).toContain(`(${clippedPgd.id}, the same k; the pre-trained weights of one or both were not recorded, so they may differ)`);
  });

  it("name their weights in the suite table's rows and prose, which would otherwise read alike", () => {
    const suiteRun = (weights: string, finishedAt: string) => entry({ clip: true, suite: true, testCount: 200, size: 100, before: acc(61, 11, 0.5), after: acc(87, 30, 0.5), suiteBefore: acc(60, 10, 0), suiteAfter: acc(85, 28, 0), finishedAt, weights });
    const merged = mergeEntry(mergeEntry({ entries: [], figures: 'svg' }, suiteRun('w0', '2026-12-07T03:18:00Z')), suiteRun('w2', '2026-12-08T03:18:00Z'));
    const page = repairMarkdown(merged);
    expect(page).toContain('| cnn-light (weights w0) | 100 | 200 |');
    expect(page).toContain('| cnn-light (weights w2) | 100 | 200 |');
    expect(page).toContain('- **CNNLight (weights w0), |X_adv| = 100**');
    // One pre-training only: the model's name alone, as before.
    expect(repairMarkdown({ entries: [suiteRun('w2', '2026-12-08T03:18:00Z')], figures: 'svg' })).toContain('| cnn-light | 100 | 200 |');
  });
});

describe('transfer-only entries, unclipped → clipped', () => {
  const old = entry({ clip: false, suite: false, testCount: 10_000, before: acc(50, 5, 1), after: acc(90, 75, 3), finishedAt: '2026-11-21T00:00:00Z', adaptive: false });
  const now = entry({ clip: true, suite: false, testCount: 10_000, before: acc(60, 10, 0.5), after: acc(90, 60, 1.5), finishedAt: '2026-12-07T06:00:00Z', adaptive: false });
  const transferPage = repairMarkdown({ entries: [old, now], figures: 'svg' });

  it('compares the transfer gains (70 and 50 points at ε 0.1 by construction)', () => {
    expect(transferPage).toContain('transfer PGD-40 ε 0.1: +70.0 (5.0 → 75.0 %) → +50.0 (10.0 → 60.0 %)');
    expect(transferPage).not.toContain('adaptive PGD-40 ε 0.1');
  });
});

describe('one repair evaluated at other (M, ω) in a later session', () => {
  const first = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), suiteBefore: acc(58, 9, 0), suiteAfter: acc(87, 29, 0), finishedAt: '2026-12-07T03:18:00Z' });
  // The same X_adv and pool, a three-candidate pool's candidate 2 chosen at ω 0 instead.
  const pool = [...first.result.runs[0]!.pool, { index: 2, iteration: 5, violation: 0, cleanError: 0.02, violatedCount: 0, changeNorm: 2 }];
  const sameRepair = (e: RepairEntry, selections: RepairRun['selections'], evaluations: CandidateEvaluation[]): RepairEntry => ({ ...e, result: { ...e.result, runs: [{ ...e.result.runs[0]!, pool, selections, evaluations }] } });
  const before = sameRepair(first, first.result.runs[0]!.selections, first.result.runs[0]!.evaluations);
  const later = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(70, 20, 0), finishedAt: '2026-12-08T03:18:00Z' });
  const omegaZero = sameRepair(later, [{ iterations: 20, omega: 0, candidate: 2 }], [later.result.runs[0]!.evaluations[0]!, { ...later.result.runs[0]!.evaluations[1]!, candidate: 2 }]);

  it('keeps the stored selections and evaluations beside the new ones, marked with their session', () => {
    const run = mergeEntry({ entries: [before], figures: 'svg' }, omegaZero).entries[0]!.result.runs[0]!;
    expect(run.selections).toEqual([{ iterations: 20, omega: 0, candidate: 2 }, { iterations: 20, omega: 0.6, candidate: 1 }]);
    expect(run.evaluations.map((e) => [e.candidate, e.measuredAt])).toEqual([[0, undefined], [1, '2026-12-07T03:18:00Z'], [2, undefined]]);
    expect(run.evaluations[1]!.suite!.robustAccuracy).toEqual(acc(87, 29, 0));
    expect(repairMarkdown(mergeEntry({ entries: [before], figures: 'svg' }, omegaZero))).toContain('Evaluated in an earlier session of the same repair (same X_adv, same pool): |X_adv| 10 candidate 1 (2026-12-07 03:18 UTC).');
  });

  it('replaces them when the pool differs (another repair)', () => {
    const other = { ...omegaZero, result: { ...omegaZero.result, runs: [{ ...omegaZero.result.runs[0]!, pool: pool.map((c) => ({ ...c, changeNorm: c.changeNorm + 1 })) }] } };
    const run = mergeEntry({ entries: [before], figures: 'svg' }, other).entries[0]!.result.runs[0]!;
    expect(run.evaluations.map((e) => e.candidate)).toEqual([0, 2]);
  });
});

describe("w̄'s suite reused from a stored entry", () => {
  const stored = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), finishedAt: '2026-12-07T03:18:00Z' });
  const withSuite = { ...stored, result: { ...stored.result, original: { ...stored.result.original, suite: evaluation(0, acc(60, 10, 0.5), acc(58, 9, 0)).suite } } };
  const file: RepairResultsFile = { entries: [withSuite], figures: 'svg' };
  const config = withSuite.result.config;

  it('is found only on the same weights, test images and evaluation settings', () => {
    expect(reusableOriginalSuite(file, 'w1', config)).toEqual({ suite: withSuite.result.original.suite, from: withSuite.id });
    expect(reusableOriginalSuite(file, 'w2', config)).toBeUndefined();
    expect(reusableOriginalSuite(file, 'w1', { ...config, testCount: 1_000 })).toBeUndefined();
    expect(reusableOriginalSuite(file, 'w1', { ...config, evaluation: { ...config.evaluation, seed: 12 } })).toBeUndefined();
    expect(reusableOriginalSuite({ entries: [stored], figures: 'svg' }, 'w1', config)).toBeUndefined();
  });

  it('is never taken from an entry that reused it itself', () => {
    const second = { ...withSuite, result: { ...withSuite.result, original: { ...withSuite.result.original, suiteReusedFrom: 'x' } } };
    expect(reusableOriginalSuite({ entries: [second], figures: 'svg' }, 'w1', config)).toBeUndefined();
  });
});

describe('entries on consecutive ranges of the test images (shards)', () => {
  const shard = (offset: number, testCount: number, before: number[], after: number[], options: { weights?: string; finishedAt?: string } = {}) =>
    entry({ clip: true, suite: true, testCount, offset, before, after, suiteBefore: before.map((v) => v / 2), suiteAfter: after.map((v) => v / 2), finishedAt: options.finishedAt ?? `2026-12-0${1 + offset / 400}T00:00:00Z`, weights: options.weights });
  const shards = [shard(0, 400, acc(60, 10, 0.5), acc(90, 40, 1)), shard(400, 400, acc(50, 20, 1.5), acc(80, 50, 2)), shard(800, 200, acc(40, 30, 0.5), acc(70, 60, 3))];

  it('are named by their first image and combine over 0..999: shares weighted by image count (closed form), counts and times summed', () => {
    expect(shards.map((e) => e.id.match(/test\d+(-at\d+)?/)![0])).toEqual(['test400', 'test400-at400', 'test200-at800']);
    // One suite stage per shard with 10·k attacked and k broken, for the sums.
    const staged = shards.map((e) => structuredClone(e));
    staged.forEach((e, k) => (e.result.runs[0]!.evaluations[1]!.suite!.stages = [{ name: 'apgd-ce', attacked: [10 * k, 10, 0], broken: [k, 1, 0], robustAccuracy: [0.5, 0.5, 0.5], seconds: [k, 1, 0] }]));
    const [combined, ...rest] = withShardsCombined(staged);
    expect(rest).toEqual([]);
    expect(combined!.id).toBe(shards[0]!.id.replace('-test400-', '-test1000-') + '-from-shards');
    expect(combined!.result.config.testCount).toBe(1_000);
    expect('testOffset' in combined!.result.config).toBe(false);
    const [before, after] = combined!.result.runs[0]!.evaluations;
    // 0.4·60 + 0.4·50 + 0.2·40 = 52, 0.4·10 + 0.4·20 + 0.2·30 = 18, 0.4·0.5 + 0.4·1.5 + 0.2·0.5 = 0.9.
    [0.52, 0.18, 0.009].forEach((v, e) => expect(before!.transfer.pgd[e]).toBeCloseTo(v, 12));
    [0.26, 0.09, 0.0045].forEach((v, e) => expect(before!.suite!.robustAccuracy[e]).toBeCloseTo(v, 12));
    [0.82, 0.48, 0.018].forEach((v, e) => expect(after!.adaptive!.pgd[e]).toBeCloseTo(v, 12));
    expect(after!.suite!.stages).toEqual([{ name: 'apgd-ce', attacked: [30, 30, 0], broken: [3, 3, 0], robustAccuracy: [0.5, 0.5, 0.5], seconds: [3, 3, 0] }]);
    expect(after!.adaptiveSeconds).toBe(3);
    expect(combined!.shards!.map((s) => [s.offset, s.count])).toEqual([[0, 400], [400, 400], [800, 200]]);
    expect(repairMarkdown({ entries: [combined!], figures: 'svg' })).toContain(`**Combined from 3 runs on consecutive ranges of the test images**`);
    expect(repairMarkdown({ entries: [shards[1]!], figures: 'svg' })).toContain('Evaluation on test images **400–799**');
  });

  it('stay apart when they leave a gap, start after 0, sit on other weights or repaired otherwise', () => {
    const apart = (entries: RepairEntry[]) => withShardsCombined(entries).map((e) => e.id);
    expect(apart([shards[0]!, shards[2]!])).toEqual([shards[0]!.id, shards[2]!.id]);
    expect(apart([shards[1]!, shards[2]!])).toEqual([shards[1]!.id, shards[2]!.id]);
    const otherWeights = shard(400, 400, acc(50, 20, 1.5), acc(80, 50, 2), { weights: 'w9' });
    expect(apart([shards[0]!, otherWeights])).toEqual([shards[0]!.id, otherWeights.id]);
    const otherPool = structuredClone(shards[1]!);
    otherPool.result.runs[0]!.pool[1]!.changeNorm = 2;
    expect(apart([shards[0]!, otherPool])).toEqual([shards[0]!.id, otherPool.id]);
  });

  it('leave an entry of all the images on the same weights and settings as it is', () => {
    const whole = shard(0, 1_000, acc(55, 15, 1), acc(85, 45, 2), { finishedAt: '2026-12-08T00:00:00Z' });
    const shown = withShardsCombined([whole, ...shards]);
    expect(shown.map((e) => e.id)).toEqual([whole.id, shards[0]!.id.replace('-test400-', '-test1000-') + '-from-shards']);
    expect(shown[0]).toBe(whole);
  });

  it('of one range run twice count once, the newest', () => {
    const rerun = shard(400, 400, acc(0, 0, 0), acc(0, 0, 0), { finishedAt: '2026-12-09T00:00:00Z' });
    const shown = withShardsCombined([...shards, rerun]);
    expect(shown).toHaveLength(1);
    const [combined] = shown;
    // 0.4·60 + 0.4·0 + 0.2·40 = 32.
    expect(combined!.result.runs[0]!.evaluations[0]!.cleanAccuracy).toBeCloseTo(0.99, 12);
    expect(combined!.result.runs[0]!.evaluations[0]!.transfer.pgd[0]).toBeCloseTo(0.32, 12);
    expect(combined!.shards!.map((s) => s.id)).toEqual([shards[0]!.id, rerun.id, shards[2]!.id]);
  });
});
