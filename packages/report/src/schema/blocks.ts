import { z } from 'zod';

/** A chart axis: its label, optional fixed domain, and scale. */
export const axisSchema = z.object({
  label: z.string(),
  domain: z.tuple([z.number(), z.number()]).optional(),
  scale: z.enum(['linear', 'log']).optional(),
});

/** A named series of (x, y) points. */
export const seriesSchema = z.object({
  name: z.string(),
  points: z.array(z.tuple([z.number(), z.number()])),
});

/** Line or scatter chart: robust accuracy vs ε, training curves, Lipschitz per layer, Pareto fronts. */
export const chartBlockSchema = z.object({
  type: z.enum(['line-chart', 'scatter-chart']),
  title: z.string(),
  x: axisSchema,
  y: axisSchema,
  series: z.array(seriesSchema).min(1),
});

/** A grayscale (or per-pixel value) image: values row-major, length height·width. */
export const imageSchema = z
  .object({
    height: z.number().int().positive(),
    width: z.number().int().positive(),
    values: z.array(z.number()),
    /** Signed values (a perturbation) get a diverging colour scale centred on zero. */
    signed: z.boolean().optional(),
  })
  .refine((image) => image.values.length === image.height * image.width, {
    message: 'values must hold height·width numbers',
    path: ['values'],
  });

/** Rows of images under column headings: original | perturbation | adversarial. */
export const imageGridBlockSchema = z.object({
  type: z.literal('image-grid'),
  title: z.string(),
  columns: z.array(z.string()).min(1),
  rows: z.array(z.object({ label: z.string(), images: z.array(imageSchema) })),
});

export const tableBlockSchema = z.object({
  type: z.literal('table'),
  title: z.string().optional(),
  header: z.array(z.string()),
  rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
});

export const headingBlockSchema = z.object({
  type: z.literal('heading'),
  level: z.number().int().min(1).max(6),
  text: z.string(),
});
export const textBlockSchema = z.object({ type: z.literal('text'), text: z.string() });

/** The generic building blocks every report kind renders through. */
export const blockSchema = z.union([
  headingBlockSchema,
  textBlockSchema,
  tableBlockSchema,
  chartBlockSchema,
  imageGridBlockSchema,
]);

export type Axis = z.infer<typeof axisSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type ChartBlock = z.infer<typeof chartBlockSchema>;
export type Image = z.infer<typeof imageSchema>;
export type ImageGridBlock = z.infer<typeof imageGridBlockSchema>;
export type TableBlock = z.infer<typeof tableBlockSchema>;
export type Block = z.infer<typeof blockSchema>;
