import { parseReport } from '../parse-report.js';
import type { Environment } from '../schema/common.js';
import type { RobustnessReport } from '../schema/robustness.js';
import { reportHeader } from './report-header.js';

/** What a robustness report holds besides its header. */
export type RobustnessFields = Omit<RobustnessReport, 'schema' | 'schemaVersion' | 'kind' | 'title' | 'createdAt' | 'environment'>;

/** A validated robustness report (clean accuracy, per-attack and worst-case entries, internal layers, examples). */
export function robustnessReport(title: string, environment: Environment, fields: RobustnessFields, createdAt?: Date | string): RobustnessReport {
  return parseReport({ ...reportHeader(title, environment, createdAt), kind: 'robustness', ...fields }) as RobustnessReport;
}
