// The repair suite's flags: the repair's M apart from the M values evaluated.
import { describe, expect, it } from 'vitest';
import { parseRepairOptions } from './repair-options.js';
import { repairIterationsOf } from './repair-iterations.js';

describe('--repair-iterations', () => {
  it('runs the repair for that many iterations while evaluating only the listed M', () => {
    const { experiment } = parseRepairOptions(['--iterations=5,10', '--repair-iterations=20'], false);
    expect(experiment.iterations).toEqual([5, 10]);
    expect(repairIterationsOf(experiment)).toBe(20);
  });

  it('defaults to the largest M, as entries from before the flag were run', () => {
    const { experiment } = parseRepairOptions(['--iterations=5,10'], false);
    expect(experiment.repairIterations).toBeUndefined();
    expect(repairIterationsOf(experiment)).toBe(10);
  });

  it('refuses fewer iterations than an M it should select from', () => {
    expect(() => parseRepairOptions(['--iterations=5,20', '--repair-iterations=10'], false)).toThrow('--repair-iterations=10 is below the largest --iterations value 20');
  });
});

describe('--test-offset', () => {
  it('makes a shard of the test images, absent from the config for the first images', () => {
    expect(parseRepairOptions(['--test-count=1000', '--test-offset=3000'], false).experiment).toMatchObject({ testCount: 1000, testOffset: 3000 });
    expect('testOffset' in parseRepairOptions(['--test-count=1000', '--test-offset=0'], false).experiment).toBe(false);
    expect(() => parseRepairOptions(['--test-offset=-5'], false)).toThrow('--test-offset must be a non-negative integer');
  });
});

describe('--native-threads', () => {
  it('defaults to one thread, outside the experiment config (entries compare equal across thread counts)', () => {
    expect(parseRepairOptions([], false).nativeThreads).toBe(1);
    expect(parseRepairOptions(['--native-threads=2'], false).nativeThreads).toBe(2);
    expect(JSON.stringify(parseRepairOptions(['--native-threads=2'], false).experiment)).toBe(JSON.stringify(parseRepairOptions([], false).experiment));
    expect(() => parseRepairOptions(['--native-threads=0'], false)).toThrow('--native-threads must be a positive integer');
  });
});
