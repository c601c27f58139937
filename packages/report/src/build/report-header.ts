import { reportSchemaName, reportSchemaVersion, type Environment } from '../schema/common.js';

/** The fields every report starts with: schema name and version, title, time of creation, environment. */
export function reportHeader(title: string, environment: Environment, createdAt: Date | string = new Date()) {
  return {
    schema: reportSchemaName,
    schemaVersion: reportSchemaVersion,
    title,
    createdAt: typeof createdAt === 'string' ? createdAt : createdAt.toISOString(),
    environment,
  } as const;
}
