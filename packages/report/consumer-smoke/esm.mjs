import { parseReport, renderHtml, renderMarkdown } from '@liftguard/report';

const report = parseReport({
  schema: 'liftguard-report',
  schemaVersion: 1,
  kind: 'document',
  title: 'Smoke',
  createdAt: new Date().toISOString(),
  environment: { backend: 'none', libraryVersions: {} },
  blocks: [
    {
      type: 'line-chart',
      title: 'Loss',
      x: { label: 'epoch' },
      y: { label: 'loss' },
      series: [
        {
          name: 'train',
          points: [
            [1, 2],
            [2, 1],
            [3, 0.5],
          ],
        },
      ],
    },
  ],
});
const { markdown, figures } = await renderMarkdown(report);
if (!markdown.includes('![Loss](figures/figure-1.svg)') || !figures[0].svg.startsWith('<svg'))
  throw new Error('markdown');
const html = await renderHtml(report);
if ((html.match(/<svg/g) ?? []).length !== 1) throw new Error('html');
console.log('esm ok');
