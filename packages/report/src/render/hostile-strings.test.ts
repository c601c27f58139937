import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { markdownGeneratorMark } from './generator-mark.js';
import type { DocumentReport } from '../schema/report.js';
import type { RobustnessReport } from '../schema/robustness.js';
import { sampleDocumentReport, sampleRobustnessReport } from '../test-support/sample-report.js';

/** What an attacker puts in titles, names, cells and notes. */
const hostile = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '[click](javascript:alert(3))',
  '![pic](javascript:alert(4))',
  '<javascript:alert(5)>',
  'a | b | c',
  '`code` ```fence``` ~~~',
  'line one\nline two\n# heading\n- item\n> quote',
  '&lt;script&gt;alert(6)&lt;/script&gt;',
  '[ref]: javascript:alert(7)',
  '<a href="javascript:alert(8)">x</a>',
  '**bold** _em_ \\',
].join(' ');

function hostileDocument(): DocumentReport {
  const sample = sampleDocumentReport();
  return {
    ...sample,
    title: hostile,
    blocks: [
      { type: 'heading', level: 2, text: hostile },
      { type: 'text', text: hostile },
      { type: 'text', text: '```json\n' + JSON.stringify({ [hostile]: hostile }, null, 2) + '\n```' },
      { type: 'table', title: hostile, header: [hostile, 'b'], rows: [[hostile, 1], ['x', hostile]] },
      { type: 'line-chart', title: hostile, x: { label: hostile }, y: { label: hostile }, series: [{ name: hostile, points: [[0, 1], [1, 2]] }] },
      { type: 'image-grid', title: hostile, columns: [hostile], rows: [{ label: hostile, images: [{ height: 2, width: 2, values: [0, 1, 0, 1] }] }] },
    ],
  };
}

function hostileRobustness(): RobustnessReport {
  const sample = sampleRobustnessReport();
  return {
    ...sample,
    title: hostile,
    model: { ...sample.model, id: hostile },
    dataset: { ...sample.dataset, name: hostile },
    attacks: sample.attacks.map((a) => ({ ...a, name: hostile, config: { [hostile]: hostile } })),
    notes: [hostile],
  };
}

/** Lines of Markdown outside fenced code blocks (code is shown literally by every renderer). */
function outsideCode(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

/** Executable things in HTML or SVG: script elements, foreign elements, event-handler attributes and javascript: URLs in real tags. */
function executable(markup: string): string[] {
  const tags = [...markup.matchAll(/<([a-z][\w:-]*)([^>]*)>/gi)];
  return tags.flatMap(([tag, name, attributes]) => {
    const found: string[] = [];
    if (/^(script|img|iframe|object|embed|a|foreignobject)$/i.test(name!)) found.push(tag);
    for (const [, attribute, value] of attributes!.matchAll(/\s([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/g)) {
      if (/^on/i.test(attribute!) || /^\W*javascript:/i.test(value!.replace(/&#?\w+;/g, '').replace(/^["']/, ''))) found.push(tag);
    }
    return found;
  });
}

describe('hostile strings in every renderer', () => {
  it('the detector finds what it looks for (and not escaped text)', () => {
    expect(executable('<p onclick="x">')).toHaveLength(1);
    expect(executable('<svg><a xlink:href=" javascript:alert(1)">')).toHaveLength(2);
    expect(executable('<script>')).toHaveLength(1);
    expect(executable('<text>&lt;img onerror=x&gt; href="javascript:</text>')).toHaveLength(0);
  });

  for (const [kind, report] of [
    ['document', hostileDocument()],
    ['robustness', hostileRobustness()],
  ] as const) {
    it(`Markdown (${kind}): no raw HTML, no links but the figures, one line per table row`, async () => {
      const { markdown, figures } = await renderMarkdown(report, { figurePrefix: 'figures/' });
      expect(markdown.startsWith(markdownGeneratorMark)).toBe(true);
      // The generator mark is this package's constant, not user text.
      const text = outsideCode(markdown.slice(markdownGeneratorMark.length));
      // CommonMark HTML (blocks, inline tags, autolinks) always starts with '<'.
      expect(text).not.toContain('<');
      // Links and images need an unescaped '['; only the figure images we write have one.
      const withoutFigures = text.replace(/!\[(?:[^\]\\]|\\.)*\]\(figures\/figure-\d+\.svg\)/g, '');
      expect(withoutFigures).not.toMatch(/(^|[^\\])[[\]]/m);
      expect(text.match(/!\[/g) ?? []).toHaveLength(figures.length);
      // A code fence is never closed by the code inside it: every fence has a matching closing fence.
      const fences = markdown.match(/^`{3,}/gm) ?? [];
      expect(fences.length % 2).toBe(0);
      // Table rows keep their cell count: unescaped pipes per row equal the header's.
      for (const table of text.split(/\n\n/).filter((p) => p.split('\n').some((l) => /^\| --- /.test(l)))) {
        const rows = table.split('\n').filter((l) => l.startsWith('|'));
        const cells = rows.map((l) => (l.match(/(^|[^\\])\|/g) ?? []).length);
        expect(new Set(cells).size, table).toBe(1);
      }
      // No heading, list or quote line comes from user text: every line starting a block is ours.
      for (const line of text.split('\n')) expect(line).not.toMatch(/^(- item|> quote|# heading)/);
      // The text itself survives (as entities / escapes).
      expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it(`HTML and SVG (${kind}): nothing executable survives`, async () => {
      const html = await renderHtml(report);
      expect(executable(html)).toEqual([]);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      const { figures } = await renderMarkdown(report);
      for (const figure of figures) expect(executable(figure.svg)).toEqual([]);
    });
  }
});
