// Shards as separate processes, merged, against one unsharded run: equal to the last bit.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './test-support/run-cli.js';
import { runCliInBackground } from './test-support/fault-support.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-shards-'));
const model = join(work, 'model');
const data = ['--validation-size', '100', '--test-size', '700'];
const attack = ['--workers', '1', '--model', model, '--attacks', 'fgsm,pgd', '--steps', '5', '--restarts', '2', '--eps', '0.05,0.1', '--count', '700', '--examples', '0', '-q', ...data];

beforeAll(() => {
  const run = runCli(['train', '--out', model, '--widths', '784,32,10', '--train-size', '1000', '--epochs', '1', '-q', ...data]);
  if (run.code !== 0) throw new Error(run.stderr);
});

describe('attack --shard and merge', () => {
  it('three shards run as separate processes merge into exactly the unsharded report', async () => {
    const single = runCli(['attack', ...attack, '--out', join(work, 'single.json')]);
    expect(single.code).toBe(0);
    const shards = await Promise.all([0, 1, 2].map((i) => runCliInBackground(['attack', ...attack, '--shard', `${i}/3`, '--out', join(work, `shard-${i}.json`)]).done));
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    const merged = runCli(['merge', join(work, 'shard-2.json'), join(work, 'shard-0.json'), join(work, 'shard-1.json'), '--out', join(work, 'merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const [a, b] = ['single.json', 'merged.json'].map((f) => JSON.parse(readFileSync(join(work, f), 'utf8')));
    expect(b.dataset).toEqual(a.dataset);
    expect(b.cleanAccuracy).toBe(a.cleanAccuracy);
    expect(b.worstCase[0].robustAccuracy).toEqual(a.worstCase[0].robustAccuracy);
    expect(b.worstCase[0].stages.map((s: { robustAccuracy: number[]; attacked: number[] }) => [s.robustAccuracy, s.attacked])).toEqual(a.worstCase[0].stages.map((s: { robustAccuracy: number[]; attacked: number[] }) => [s.robustAccuracy, s.attacked]));
    // The shards are whole batches of 250: 0–249, 250–499, 500–699.
    expect(JSON.parse(readFileSync(join(work, 'shard-2.json'), 'utf8')).shard).toEqual({ index: 2, count: 3, offset: 500, total: 700 });
  });

  it('--workers 3 runs those shards as child processes and writes the same report', () => {
    const parallel = runCli(['attack', ...attack.slice(2), '--workers', '3', '--out', join(work, 'parallel.json')]);
    expect(parallel.code, parallel.stderr).toBe(0);
    const [a, b] = ['single.json', 'parallel.json'].map((f) => JSON.parse(readFileSync(join(work, f), 'utf8')));
    expect(b.cleanAccuracy).toBe(a.cleanAccuracy);
    expect(b.worstCase[0].robustAccuracy).toEqual(a.worstCase[0].robustAccuracy);
    expect(b.dataset).toEqual(a.dataset);
  });

  it('refuses a missing shard, and shards that do not fit the run', () => {
    const missing = runCli(['merge', join(work, 'shard-0.json'), join(work, 'shard-2.json'), '--out', join(work, 'bad.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/need shards 0\.\.2 once each; got 0, 2/);
    const tooMany = runCli(['attack', ...attack, '--shard', '0/4', '--out', join(work, 'x.json')]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/700 examples make only 3 batch\(es\) of 250; use at most 3 shards/);
  });
});

describe('eval --shard and merge', () => {
  const evaluate = ['eval', '--model', model, '--suite', 'quick', '--eps', '0.1', '--json', ...data];

  it('two shards of the AutoAttack suite, as separate processes, merge into exactly the unsharded result', async () => {
    const single = runCli(evaluate);
    expect(single.code, single.stderr).toBe(0);
    const shards = await Promise.all([1, 0].map((i) => runCliInBackground([...evaluate, '--shard', `${i}/2`]).done));
    for (const shard of shards) expect(shard.code, shard.stderr).toBe(0);
    shards.forEach((shard, k) => writeFileSync(join(work, `eval-shard-${k}.json`), shard.stdout));
    const merged = runCli(['merge', join(work, 'eval-shard-0.json'), join(work, 'eval-shard-1.json'), '--out', join(work, 'eval-merged.json')]);
    expect(merged.code, merged.stderr).toBe(0);
    const [a, b] = [JSON.parse(single.stdout), JSON.parse(readFileSync(join(work, 'eval-merged.json'), 'utf8'))];
    expect(b.count).toBe(700);
    expect(b.cleanAccuracy).toBe(a.cleanAccuracy);
    expect(b.robust).toEqual(a.robust);
    // Whole batches of 500: 0–499 and 500–699.
    expect(JSON.parse(shards[0]!.stdout).shard).toEqual({ index: 1, count: 2, offset: 500, total: 700 });
  });
});

