import { describe, expect, it } from 'vitest';
import { parseReport, reportJsonSchema, ReportValidationError } from './parse-report.js';
import { sampleDocumentReport, sampleRobustnessReport } from './test-support/sample-report.js';

describe('report schema', () => {
  it('accepts valid reports of every kind and survives a JSON round trip unchanged', () => {
    for (const report of [sampleRobustnessReport(), sampleDocumentReport()]) {
      expect(parseReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
    }
  });

  it('names the path of every problem', () => {
    const report = sampleRobustnessReport() as unknown as Record<string, unknown>;
    delete (report.dataset as Record<string, unknown>).split;
    (report.attacks as Record<string, unknown>[])[1]!.epsilons = 'many';
    expect(() => parseReport(report)).toThrow(ReportValidationError);
    try {
      parseReport(report);
    } catch (error) {
      const issues = (error as ReportValidationError).issues.join('\n');
      expect(issues).toMatch(/^dataset\.split: /m);
      expect(issues).toMatch(/^attacks\.1\.epsilons: /m);
    }
  });

  it('rejects per-ε arrays of the wrong length, images of the wrong size, unknown kinds and block types', () => {
    const short = sampleRobustnessReport();
    short.attacks[0]!.successRate = [0.1];
    expect(() => parseReport(short)).toThrow(/per-ε arrays must have one entry per ε/);
    const document = sampleDocumentReport();
    document.blocks.push({
      type: 'image-grid',
      title: 'x',
      columns: ['a'],
      rows: [{ label: 'r', images: [{ height: 2, width: 2, values: [1, 2, 3] }] }],
    });
    expect(() => parseReport(document)).toThrow(/values must hold height·width numbers/);
    expect(() => parseReport({ ...sampleDocumentReport(), kind: 'lipschitz' })).toThrow(
      ReportValidationError,
    );
    expect(() =>
      parseReport({ ...sampleDocumentReport(), blocks: [{ type: 'pie-chart' }] }),
    ).toThrow(/blocks\.0/);
  });

  it('refuses other schemas and versions by name', () => {
    expect(() => parseReport({ ...sampleDocumentReport(), schemaVersion: 2 })).toThrow(
      /reads version 1, got 2/,
    );
    expect(() => parseReport({ title: 'x' })).toThrow(/schema: expected "liftguard-report"/);
    expect(() => parseReport(null)).toThrow(ReportValidationError);
  });

  it('exports a JSON Schema whose kind discriminator lists every kind', () => {
    const schema = JSON.stringify(reportJsonSchema());
    expect(schema).toContain('"const":"robustness"');
    expect(schema).toContain('"const":"document"');
    expect(schema).toContain('"const":"liftguard-report"');
  });
});
