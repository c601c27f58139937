import type { Block } from '../schema/blocks.js';
import type { Report } from '../schema/report.js';
import { robustnessBlocks } from './robustness-blocks.js';

/** Each report kind turns into the same generic blocks, which the renderers know. */
export function reportBlocks(report: Report): Block[] {
  switch (report.kind) {
    case 'robustness':
      return robustnessBlocks(report);
    case 'document':
      return [{ type: 'heading', level: 1, text: report.title }, ...report.blocks];
  }
}
