import { z } from 'zod';
import { reportSchemaName, reportSchemaVersion } from './schema/common.js';
import { reportSchema, type Report } from './schema/report.js';

/** A report that does not match the schema; `issues` lists each problem with its path. */
export class ReportValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid report:\n  ${issues.join('\n  ')}`);
    this.name = 'ReportValidationError';
  }
}

/** Checks a parsed JSON value against the schema and returns it typed, or throws. */
export function parseReport(value: unknown): Report {
  const header = value as { schema?: unknown; schemaVersion?: unknown } | null;
  if (header === null || typeof header !== 'object' || header.schema !== reportSchemaName) {
    throw new ReportValidationError([`schema: expected "${reportSchemaName}"`]);
  }
  if (header.schemaVersion !== reportSchemaVersion) {
    throw new ReportValidationError([
      `schemaVersion: this library reads version ${reportSchemaVersion}, got ${JSON.stringify(header.schemaVersion)}`,
    ]);
  }
  const parsed = reportSchema.safeParse(value);
  if (!parsed.success)
    throw new ReportValidationError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  return parsed.data;
}

/** The schema as JSON Schema (draft 2020-12), for docs and for tools in other languages. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(reportSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
}
