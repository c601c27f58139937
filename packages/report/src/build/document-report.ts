import { parseReport } from '../parse-report.js';
import type { Block } from '../schema/blocks.js';
import type { Environment } from '../schema/common.js';
import type { DocumentReport } from '../schema/report.js';
import { reportHeader } from './report-header.js';

/** A validated 'document' report: a title, the environment and a sequence of blocks. */
export function documentReport(title: string, environment: Environment, blocks: Block[], createdAt?: Date | string): DocumentReport {
  return parseReport({ ...reportHeader(title, environment, createdAt), kind: 'document', blocks }) as DocumentReport;
}

/** A text block holding a configuration as indented JSON, without the keys that have their own blocks. */
export function configurationBlock(caption: string, value: unknown, omit: readonly string[] = []): Block {
  const json = JSON.stringify(value, (key, v: unknown) => (omit.includes(key) ? undefined : v), 2);
  return { type: 'text', text: `${caption}:\n\`\`\`\n${json}\n\`\`\`` };
}
