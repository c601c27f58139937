import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isReportRendering, parseReport, renderHtml, renderMarkdown, ReportValidationError, type Report } from '@liftguard/report';
import { readTextBounded } from '@liftguard/tensor/files';
import { writeFileAtomic } from '@liftguard/tensor/files';
import type { Command } from '../command.js';
import { asCliError, claimFile } from '../output-target.js';
import { CliError, UsageError } from '../errors.js';

export const reportCommand: Command = {
  name: 'report',
  summary: 'render JSON reports (a file or a folder of them) to Markdown with SVG figures and a self-contained HTML page',
  usage: 'liftguard report PATH [--out DIR]',
  examples: ['liftguard report runs/bp/robustness.json', 'liftguard report liftguard-report --out liftguard-report/rendered'],
  options: {
    out: { type: 'string', placeholder: 'DIR', description: 'where the .md, figures and .html go (default: next to each report)' },
  },
  async run({ values, positionals, output }) {
    if (positionals.length !== 1) throw new UsageError('give one report file or folder');
    const path = positionals[0]!;
    if (!existsSync(path)) throw new CliError(`not found: ${path}`);
    const files = statSync(path).isDirectory()
      ? (await readdir(path, { recursive: true })).filter((f) => String(f).endsWith('.json')).map((f) => join(path, String(f)))
      : [path];
    const rendered: { source: string; markdown: string; html: string; figures: number }[] = [];
    for (const file of files.sort()) {
      let report: Report;
      try {
        report = parseReport(JSON.parse(await readFile(file, 'utf8')));
      } catch (error) {
        // In a folder, files that are not LiftGuard reports are skipped; a named file must be one.
        if (files.length > 1 && (error instanceof ReportValidationError || error instanceof SyntaxError)) continue;
        throw new CliError(`${file}: ${(error as Error).message.split('\n')[0]}`);
      }
      const dir = typeof values.out === 'string' ? values.out : join(file, '..');
      const stem = basename(file, '.json');
      const { markdown, figures } = await renderMarkdown(report, { figurePrefix: `${stem}-figures/` });
      // An earlier rendering is replaced; any other file with the same name only with --force.
      for (const target of [join(dir, `${stem}.md`), join(dir, `${stem}.html`)]) {
        if (!(await isEarlierRendering(target))) await claimFile(target, values);
      }
      await asCliError(async () => {
        for (const figure of figures) await writeFileAtomic(join(dir, `${stem}-figures`, figure.name), figure.svg);
        await writeFileAtomic(join(dir, `${stem}.md`), markdown);
        await writeFileAtomic(join(dir, `${stem}.html`), await renderHtml(report));
      });
      rendered.push({ source: file, markdown: join(dir, `${stem}.md`), html: join(dir, `${stem}.html`), figures: figures.length });
    }
    if (rendered.length === 0) throw new CliError(`no LiftGuard reports in ${path}`);
    output.result(rendered, () => rendered.map((r) => `${r.source} → ${r.markdown} (${r.figures} figure(s)), ${r.html}`).join('\n'));
  },
};

/** Whether `path` holds a rendering made by @liftguard/report (absent files are not). */
async function isEarlierRendering(path: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  try {
    return isReportRendering(await readTextBounded(path, { maxBytes: 64 * 1024 ** 2 }));
  } catch {
    return false;
  }
}
