import { htmlGeneratorMark } from './generator-mark.js';
import type { Block } from '../schema/blocks.js';
import type { Report } from '../schema/report.js';
import { reportBlocks } from '../kinds/report-blocks.js';
import { blockSvg } from './figures.js';
import { escapeHtml, formatCell } from './format.js';

const style = `body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}figure{margin:1.5rem 0}pre{background:#f6f6f6;padding:1rem;overflow:auto}`;

function text(block: Extract<Block, { type: 'text' }>): string {
  const fenced = /^```\w*\n([\s\S]*)\n```$/.exec(block.text);
  return fenced
    ? `<pre><code>${escapeHtml(fenced[1]!)}</code></pre>`
    : `<p>${escapeHtml(block.text)}</p>`;
}

function table(block: Extract<Block, { type: 'table' }>): string {
  const row = (cells: (string | number | null)[], tag: string) =>
    `<tr>${cells.map((c) => `<${tag}>${escapeHtml(formatCell(c))}</${tag}>`).join('')}</tr>`;
  const caption = block.title ? `<caption>${escapeHtml(block.title)}</caption>` : '';
  return `<table>${caption}<thead>${row(block.header, 'th')}</thead><tbody>${block.rows.map((r) => row(r, 'td')).join('')}</tbody></table>`;
}

/** One self-contained HTML page with the plots inlined as SVG. */
export async function renderHtml(report: Report): Promise<string> {
  const body: string[] = [];
  for (const block of reportBlocks(report)) {
    if (block.type === 'heading')
      body.push(`<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`);
    else if (block.type === 'text') body.push(text(block));
    else if (block.type === 'table') body.push(table(block));
    else body.push(`<figure>${(await blockSvg(block))!}</figure>`);
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">${htmlGeneratorMark}<title>${escapeHtml(report.title)}</title><style>${style}</style></head>
<body>
${body.join('\n')}
</body></html>
`;
}
