import { markdownGeneratorMark } from './generator-mark.js';
import type { Block } from '../schema/blocks.js';
import type { Report } from '../schema/report.js';
import { reportBlocks } from '../kinds/report-blocks.js';
import { blockSvg } from './figures.js';
import { formatCell } from './format.js';
import { escapeMarkdownCell, escapeMarkdownInline, escapeMarkdownText, markdownCodeBlock } from './markdown-escape.js';

/** A figure file the Markdown links to. */
export interface Figure {
  /** File name, e.g. `figure-1.svg`. */
  name: string;
  svg: string;
}

export interface MarkdownOptions {
  /** Prefix of figure links (default `figures/`): write `figures` next to the .md with that layout. */
  figurePrefix?: string;
  /** Added to every heading level (capped at 6), to embed the report under a heading (default 0). */
  headingOffset?: number;
}

function table(block: Extract<Block, { type: 'table' }>): string {
  const line = (cells: (string | number | null)[]) =>
    `| ${cells.map((c) => escapeMarkdownCell(formatCell(c))).join(' | ')} |`;
  return [
    ...(block.title ? [`**${escapeMarkdownInline(block.title)}**`, ''] : []),
    line(block.header),
    line(block.header.map(() => '---')),
    ...block.rows.map(line),
  ].join('\n');
}

/** A text block is literal text, or (written by report kinds as a ```lang fence) a code block. */
function text(block: Extract<Block, { type: 'text' }>): string {
  const fenced = /^```(\w*)\n([\s\S]*)\n```$/.exec(block.text);
  return fenced ? markdownCodeBlock(fenced[2]!, fenced[1]!) : escapeMarkdownText(block.text);
}

/** Markdown text and the SVG figures it links to. */
export async function renderMarkdown(
  report: Report,
  options: MarkdownOptions = {},
): Promise<{ markdown: string; figures: Figure[] }> {
  const prefix = options.figurePrefix ?? 'figures/';
  const offset = options.headingOffset ?? 0;
  const parts: string[] = [];
  const figures: Figure[] = [];
  for (const block of reportBlocks(report)) {
    if (block.type === 'heading')
      parts.push(`${'#'.repeat(Math.min(6, block.level + offset))} ${escapeMarkdownInline(block.text)}`);
    else if (block.type === 'text') parts.push(text(block));
    else if (block.type === 'table') parts.push(table(block));
    else {
      const name = `figure-${figures.length + 1}.svg`;
      figures.push({ name, svg: (await blockSvg(block))! });
      parts.push(`![${escapeMarkdownInline(block.title)}](${encodeURI(prefix)}${name})`);
    }
  }
  return { markdown: [markdownGeneratorMark, ...parts].join('\n\n') + '\n', figures };
}
