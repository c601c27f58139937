import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { vegaLiteToSvg } from './vega-svg.js';
import { chartSpec } from './chart-spec.js';
import { imageGridSpec } from './image-grid-spec.js';
import { sampleDocumentReport, sampleRobustnessReport } from '../test-support/sample-report.js';
import { exampleImagesBlock } from '../from-results.js';

/** The vertices of the SVG paths vega draws for line marks. */
function linePaths(svg: string): string[] {
  return [...svg.matchAll(/<g class="mark-line[^"]*"[^>]*>([\s\S]*?)<\/g>/g)].flatMap((m) =>
    [...m[1]!.matchAll(/ d="([^"]+)"/g)].map((d) => d[1]!),
  );
}

describe('charts', () => {
  it('render a line chart to SVG headlessly, one path per series with one vertex per point', async () => {
    const svg = await vegaLiteToSvg(
      chartSpec({
        type: 'line-chart',
        title: 'Robust accuracy vs ε',
        x: { label: 'ε' },
        y: { label: 'robust accuracy', domain: [0, 1] },
        series: [
          {
            name: 'fgsm',
            points: [
              [0.05, 0.8],
              [0.1, 0.5],
              [0.2, 0.1],
            ],
          },
          {
            name: 'pgd',
            points: [
              [0.05, 0.7],
              [0.1, 0.3],
              [0.2, 0],
              [0.3, 0],
            ],
          },
        ],
      }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    for (const text of ['Robust accuracy vs ε', 'robust accuracy', 'fgsm', 'pgd'])
      expect(svg).toContain(text);
    const paths = linePaths(svg);
    expect(paths).toHaveLength(2);
    expect(paths.map((d) => d.split('L').length).sort()).toEqual([3, 4]);
  });

  it('render an image grid with one rect per pixel and a signed scale for the perturbation', async () => {
    const block = exampleImagesBlock(
      [{ original: [0, 0.5, 1, 0.25], adversarial: [0.1, 0.4, 1, 0.35], label: 'label 3 → 5' }],
      2,
      2,
    );
    expect(block.rows[0]!.images[1]!.values).toEqual([0.1, -0.1, 0, 0.1]);
    const svg = await vegaLiteToSvg(imageGridSpec(block));
    expect(svg.match(/<path[^>]*d="M[^"]*"[^>]*>/g)!.length).toBeGreaterThanOrEqual(12);
    for (const text of ['original', 'perturbation', 'adversarial', 'label 3 → 5'])
      expect(svg).toContain(text.replace('→', '→'));
    expect(() =>
      exampleImagesBlock([{ original: [0], adversarial: [0], label: 'x' }], 2, 2),
    ).toThrow(/does not hold 2×2 values/);
  });
});

describe('reports', () => {
  it('render a robustness report to Markdown with tables and linked SVG figures', async () => {
    const { markdown, figures } = await renderMarkdown(sampleRobustnessReport(), {
      figurePrefix: 'img/',
      headingOffset: 1,
    });
    expect(markdown).toMatch(/^## Sample robustness$/m);
    expect(markdown).toMatch(/^### L∞ threat model$/m);
    expect(markdown).toContain('| attack | ε = 0.05 | ε = 0.1 | ε = 0.2 |');
    expect(markdown).toContain('| pgd | 70.0 % | 30.0 % | 0.0 % |');
    expect(markdown).toContain('| worst case (fgsm, pgd) | 65.0 % | 25.0 % | 0.0 % |');
    expect(markdown).toContain('| 2 | 2.5 | 85.0 % | 60.0 % |');
    expect(markdown).toContain('Gradients used by the attacks: forward-pass (assumed).');
    // One chart per norm and one for internal layers.
    expect(figures.map((f) => f.name)).toEqual(['figure-1.svg', 'figure-2.svg', 'figure-3.svg']);
    for (const f of figures) expect(markdown).toContain(`](img/${f.name})`);
    expect(linePaths(figures[0]!.svg)).toHaveLength(3);
  });

  it('render any report to one self-contained HTML page with inline SVG and escaped text', async () => {
    const report = sampleDocumentReport();
    report.blocks.push({ type: 'text', text: '<script>alert(1)</script>' });
    const html = await renderHtml(report);
    expect(html).toContain('<h1>Training curves</h1>');
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
