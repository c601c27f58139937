import { z } from 'zod';
import { blockSchema } from './blocks.js';
import { reportHeaderShape } from './common.js';
import { robustnessReportSchema } from './robustness.js';

/** kind 'document': any sequence of generic blocks (training curves, Lipschitz estimates, Pareto fronts, …). */
export const documentReportSchema = z.object({
  ...reportHeaderShape,
  kind: z.literal('document'),
  blocks: z.array(blockSchema),
});

/** Every report this version of the schema knows, discriminated by `kind`. */
export const reportSchema = z.discriminatedUnion('kind', [
  robustnessReportSchema,
  documentReportSchema,
]);

export type DocumentReport = z.infer<typeof documentReportSchema>;
export type Report = z.infer<typeof reportSchema>;
