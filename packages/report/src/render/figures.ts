import type { Block } from '../schema/blocks.js';
import { chartSpec } from './chart-spec.js';
import { imageGridSpec } from './image-grid-spec.js';
import { vegaLiteToSvg } from './vega-svg.js';

/** The SVG of a chart or image-grid block, or null for blocks that are text. */
export async function blockSvg(block: Block): Promise<string | null> {
  if (block.type === 'line-chart' || block.type === 'scatter-chart')
    return vegaLiteToSvg(chartSpec(block));
  if (block.type === 'image-grid') return vegaLiteToSvg(imageGridSpec(block));
  return null;
}
