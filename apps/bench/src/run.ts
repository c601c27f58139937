// Runs benchmark suites: `npm run bench -- <suite> [--quick]`; no suite name runs them all.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchSuite } from './suite.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..', '..');
const [wanted, ...rest] = process.argv.slice(2).filter((a) => a !== '--');
const suitesDir = join(here, 'suites');
const names = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
  .map((f) => f.slice(0, -3));
const selected = wanted && !wanted.startsWith('--') ? [wanted] : names;
const args = wanted?.startsWith('--') ? [wanted, ...rest] : rest;
for (const name of selected) {
  if (!names.includes(name)) {
    console.error(`unknown suite '${name}'; suites: ${names.join(', ')}`);
    process.exit(2);
  }
  const { suite } = (await import(pathToFileURL(join(suitesDir, `${name}.js`)).href)) as { suite?: BenchSuite };
  // Helper modules next to the suites export no suite: skip them unless asked for by name.
  if (!suite) {
    if (selected.length === 1) {
      console.error(`'${name}' is a helper module, not a suite`);
      process.exit(2);
    }
    continue;
  }
  console.log(`# ${suite.name}: ${suite.description}`);
  await suite.run({ root, args, quick: args.includes('--quick') });
}
