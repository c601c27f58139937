import { z } from 'zod';
import { imageGridBlockSchema } from './blocks.js';
import { reportHeaderShape } from './common.js';

const gradientSchema = z.object({
  /** forward-pass | unrolled-solver | implicit | surrogate. */
  source: z.string(),
  /** False when the model did not declare it and forward-pass was assumed. */
  declared: z.boolean(),
});

const perEpsilon = z.array(z.number());

/** One attack over an ε list. */
export const attackEntrySchema = z
  .object({
    name: z.string(),
    norm: z.string(),
    epsilons: perEpsilon,
    robustAccuracy: perEpsilon.nullable(),
    successRate: perEpsilon,
    /** The attack's and the run's fully resolved configuration. */
    config: z.record(z.string(), z.unknown()),
    gradient: gradientSchema,
    timings: z.object({ totalMs: z.number(), perEpsilonMs: perEpsilon }),
  })
  .refine(
    (a) =>
      a.successRate.length === a.epsilons.length &&
      (a.robustAccuracy?.length ?? a.epsilons.length) === a.epsilons.length,
    {
      message: 'per-ε arrays must have one entry per ε',
    },
  );

/** Pointwise worst case over several attacks at the same norm. */
export const worstCaseEntrySchema = z.object({
  norm: z.string(),
  attacks: z.array(z.string()).min(1),
  epsilons: perEpsilon,
  robustAccuracy: perEpsilon.nullable(),
  /** Per attack (in order): robust accuracy after it and all earlier ones. */
  stages: z.array(
    z.object({
      name: z.string(),
      attacked: perEpsilon,
      robustAccuracy: perEpsilon.nullable(),
      timingsMs: perEpsilon,
    }),
  ),
  config: z.record(z.string(), z.unknown()),
  gradient: gradientSchema,
  timings: z.object({ totalMs: z.number(), perEpsilonMs: perEpsilon }),
});

/** Accuracy per (hidden layer, ρ) under ‖δ‖₂ ≤ ρ·mean‖z*_k‖₂. */
export const internalLayersSchema = z.object({
  rhos: perEpsilon,
  layers: z.array(
    z.object({ layer: z.number().int(), meanActivityNorm: z.number(), robustAccuracy: perEpsilon }),
  ),
  config: z.record(z.string(), z.unknown()),
  gradient: gradientSchema,
});

/** Which slice of the whole set a sharded report covers: examples [offset, offset + count) of total. */
export const shardSchema = z.object({
  index: z.number().int().nonnegative(),
  count: z.number().int().positive(),
  offset: z.number().int().nonnegative(),
  total: z.number().int().positive(),
});

/** kind 'robustness': clean and robust accuracy of one model on one data split. */
export const robustnessReportSchema = z.object({
  ...reportHeaderShape,
  kind: z.literal('robustness'),
  dataset: z.object({ name: z.string(), split: z.string(), count: z.number().int().nonnegative() }),
  model: z.object({ id: z.string(), hash: z.string() }),
  cleanAccuracy: z.number().nullable(),
  attacks: z.array(attackEntrySchema),
  worstCase: z.array(worstCaseEntrySchema),
  internalLayers: internalLayersSchema.optional(),
  examples: imageGridBlockSchema.optional(),
  notes: z.array(z.string()).optional(),
  /** Set when the report covers one shard of a larger set (`liftguard attack --shard`); `mergeShardReports` joins them. */
  shard: shardSchema.optional(),
});

export type AttackEntry = z.infer<typeof attackEntrySchema>;
export type WorstCaseEntry = z.infer<typeof worstCaseEntrySchema>;
export type InternalLayersEntry = z.infer<typeof internalLayersSchema>;
export type RobustnessReport = z.infer<typeof robustnessReportSchema>;
