import type { TopLevelSpec } from 'vega-lite';
import type { Image, ImageGridBlock } from '../schema/blocks.js';
import { oneLine } from './one-line.js';

// Screen pixels per image pixel.
const zoom = 3;

function pixels(image: Image): { r: number; c: number; v: number }[] {
  return image.values.map((v, k) => ({ r: Math.floor(k / image.width), c: k % image.width, v }));
}

function colour(image: Image, unsignedDomain: [number, number]): Record<string, unknown> {
  if (!image.signed) return { scheme: 'greys', domain: unsignedDomain };
  const m = Math.max(1e-12, ...image.values.map(Math.abs));
  return { scheme: 'redblue', domain: [-m, m], reverse: true };
}

/** Rows of images (original | perturbation | adversarial) as Vega-Lite heatmaps. */
export function imageGridSpec(block: ImageGridBlock): TopLevelSpec {
  const unsigned = block.rows.flatMap((row) =>
    row.images.filter((i) => !i.signed).flatMap((i) => i.values),
  );
  const unsignedDomain: [number, number] = unsigned.length
    ? [Math.min(...unsigned), Math.max(...unsigned)]
    : [0, 1];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: oneLine(block.title),
    background: 'white',
    config: { view: { stroke: null } },
    vconcat: block.rows.map((row) => ({
      // Each image keeps its own colour scale (pixels vs a signed perturbation).
      resolve: { scale: { color: 'independent' } },
      hconcat: [
        {
          width: 90,
          height: (row.images[0]?.height ?? 10) * zoom,
          data: { values: [{ text: oneLine(row.label) }] },
          mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11 },
          encoding: {
            text: { field: 'text' },
            x: { value: 0 },
            y: { value: ((row.images[0]?.height ?? 10) * zoom) / 2 },
          },
        },
        ...row.images.map((image, c) => ({
          // Every row repeats the column titles so the cells line up.
          title: oneLine(block.columns[c] ?? ''),
          width: image.width * zoom,
          height: image.height * zoom,
          data: { values: pixels(image) },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'c', type: 'ordinal', axis: null },
            y: { field: 'r', type: 'ordinal', axis: null },
            color: {
              field: 'v',
              type: 'quantitative',
              scale: colour(image, unsignedDomain),
              legend: null,
            },
          },
        })),
      ],
    })),
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
