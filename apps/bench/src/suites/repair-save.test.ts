// A figure that fails to render must not lose the measurements: the JSON is written first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { acc, entry } from './repair-entry-fixture.js';
import { writeRepairResults } from './repair-report.js';

vi.mock('@liftguard/report', () => ({
  chartSpec: () => ({}),
  vegaLiteToSvg: async () => {
    throw new Error("Cannot find package 'vega-lite'");
  },
}));

describe('saving a repair entry when the figures cannot be rendered', () => {
  const root = mkdtempSync(join(tmpdir(), 'liftguard-repair-save-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps the entry in repair.json and says why the figures are missing', async () => {
    const saved = entry({ clip: true, suite: true, testCount: 200, before: acc(60, 10, 0.5), after: acc(88, 31, 0.5), finishedAt: '2026-12-07T03:18:00Z' });
    await writeRepairResults(root, saved);
    const file = JSON.parse(readFileSync(join(root, 'docs', 'results', 'repair.json'), 'utf8')) as { entries: { id: string }[]; figures: string };
    expect(file.entries.map((e) => e.id)).toEqual([saved.id]);
    expect(file.figures).toBe("not rendered: Cannot find package 'vega-lite'; the pools are in repair.json");
    expect(readFileSync(join(root, 'docs', 'results', 'repair.md'), 'utf8')).toContain(`## ${saved.id}`);
  });
});
