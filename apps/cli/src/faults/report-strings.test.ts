// Fault injection, hostile strings: a model folder whose name is HTML and a javascript: link
// goes into report titles and cells; no renderer may pass it on as markup.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'liftguard-hostile-'));
const hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(2)) <script>alert(3)<';
const model = join(work, hostile);
const small = ['--validation-size', '100', '--test-size', '100', '-q'];

beforeAll(() => {
  const trained = runCli(['train', '--out', join(work, 'plain'), '--widths', '784,16,10', '--train-size', '300', '--epochs', '1', ...small]);
  if (trained.code !== 0) throw new Error(trained.stderr);
  cpSync(join(work, 'plain'), model, { recursive: true });
  const attacked = runCli(['attack', '--model', model, '--out', join(work, 'robustness.json'), '--html', join(work, 'page.html'), '--attacks', 'fgsm', '--eps', '0.1', '--count', '20', ...small]);
  if (attacked.code !== 0) throw new Error(attacked.stderr);
  const rendered = runCli(['report', join(work, 'robustness.json')]);
  if (rendered.code !== 0) throw new Error(rendered.stderr);
});

describe('hostile strings in reports', () => {
  it('the JSON keeps the name as data', () => {
    expect(JSON.parse(readFileSync(join(work, 'robustness.json'), 'utf8')).model.id).toContain(hostile);
  });

  it('Markdown carries no raw HTML and no javascript: link', () => {
    const markdown = readFileSync(join(work, 'robustness.md'), 'utf8');
    expect(markdown).not.toMatch(/<(img|script)/i);
    expect(markdown).not.toMatch(/(^|[^\\])\]\(javascript:/m);
    expect(markdown).toContain('&lt;img');
  });

  it('HTML pages (attack --html and report) escape it', () => {
    for (const page of ['page.html', 'robustness.html']) {
      const html = readFileSync(join(work, page), 'utf8');
      expect(html).not.toMatch(/<(img|script)[^>]*alert/i);
      expect(html).not.toMatch(/href="javascript:/i);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});
