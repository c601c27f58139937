import type { TopLevelSpec } from 'vega-lite';
import type { Axis, ChartBlock } from '../schema/blocks.js';
import { oneLine } from './one-line.js';

function scaleOf(axis: Axis): Record<string, unknown> {
  const type = axis.scale ?? 'linear';
  // Vega-Lite warns when `zero` is set on a log scale, where it has no meaning.
  return { type, ...(type === 'log' ? {} : { zero: false }), ...(axis.domain ? { domain: axis.domain } : {}) };
}

/** A line or scatter chart as Vega-Lite: one colour per series, points on every line. */
export function chartSpec(block: ChartBlock): TopLevelSpec {
  const values = block.series.flatMap((s, order) =>
    s.points.map(([x, y]) => ({ series: oneLine(s.name), order, x, y })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: oneLine(block.title),
    width: 420,
    height: 260,
    background: 'white',
    data: { values },
    mark:
      block.type === 'line-chart' ? { type: 'line', point: true } : { type: 'point', filled: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: oneLine(block.x.label), scale: scaleOf(block.x) },
      y: { field: 'y', type: 'quantitative', title: oneLine(block.y.label), scale: scaleOf(block.y) },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: block.series.map((s) => oneLine(s.name)),
      },
      order: { field: 'x', type: 'quantitative' },
    },
  } as TopLevelSpec;
}
