import { z } from 'zod';

/** The schema's name and the version this library writes and reads. */
export const reportSchemaName = 'liftguard-report';
export const reportSchemaVersion = 1;

/** Where and with what a report was made, so numbers can be compared honestly. */
export const environmentSchema = z.object({
  backend: z.string(),
  /** Package name → version, e.g. { "@liftguard/attacks": "0.1.0", "@tensorflow/tfjs-core": "4.22.0" }. */
  libraryVersions: z.record(z.string(), z.string()),
  node: z.string().optional(),
  platform: z.string().optional(),
  /** The BLAS library the backend's kernels call (wasm + @liftguard/tensor-blas), or null for none. */
  blas: z.string().nullable().optional(),
});

/** Fields every report kind has. */
export const reportHeaderShape = {
  schema: z.literal(reportSchemaName),
  schemaVersion: z.literal(reportSchemaVersion),
  title: z.string(),
  /** ISO 8601 time of creation. */
  createdAt: z.string(),
  environment: environmentSchema,
};

export type Environment = z.infer<typeof environmentSchema>;
