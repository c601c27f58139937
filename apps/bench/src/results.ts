import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Machine facts recorded with every result, so numbers can be compared honestly. */
export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * Writes `docs/<folder>/<name>.json` (machine-readable) and `<name>.md` (a readable table).
 * `folder` is `benchmarks` for speed and `results` for paper reproductions.
 */
export function writeResults(
  root: string,
  folder: 'benchmarks' | 'results',
  name: string,
  data: unknown,
  markdown: string,
): void {
  const dir = join(root, 'docs', folder);
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
  writeAtomically(join(dir, `${name}.md`), markdown.trimEnd() + '\n');
  console.log(`wrote docs/${folder}/${name}.json and .md`);
}

/** Writes `path` through a temporary file beside it, so a run reading it meanwhile (repair pieces side by side) never sees half a file. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** A Markdown table from a header and rows. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
