// Consumer test: packs every publishable package, installs each one with only its declared
// dependencies (its @liftguard dependencies as tarballs, everything else from the registry)
// into a fresh project outside the workspace, then runs the package's consumer smoke checks
// (ESM import, CommonJS require, a tiny computation).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'liftguard-consumer-'));
const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

function pack({ dir, manifest }) {
  const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], dir));
  const files = info.files.map((f) => f.path);
  const problems = [];
  if (files.some((f) => /\.test\.|\/test-support\//.test(f))) problems.push('ships test files');
  for (const needed of ['README.md', 'LICENSE', 'package.json']) if (!files.includes(needed)) problems.push(`lacks ${needed}`);
  const entry = manifest.exports?.['.'];
  for (const target of [entry?.types, entry?.default]) {
    if (!target || !files.includes(target.replace(/^\.\//, ''))) problems.push(`export target ${target} not packed`);
  }
  if (manifest.sideEffects !== false) problems.push('sideEffects is not false');
  if (problems.length) throw new Error(`${manifest.name}: ${problems.join('; ')}`);
  return join(work, info.filename);
}

function internalClosure(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  const { manifest } = byName.get(name);
  for (const dep of Object.keys(manifest.dependencies ?? {})) if (byName.has(dep)) internalClosure(dep, seen);
  return seen;
}

for (const name of only) if (!byName.has(name)) throw new Error(`no publishable package named ${name}`);
const selected = packages.filter((p) => !only.length || only.includes(p.manifest.name));
// Pack only what the selected packages install, so one broken package does not block the others.
const needed = new Set(selected.flatMap((p) => [...internalClosure(p.manifest.name)]));
const tarballs = new Map(packages.filter((p) => needed.has(p.manifest.name)).map((p) => [p.manifest.name, pack(p)]));
let failures = 0;
for (const { dir, manifest } of selected) {
  const smoke = join(dir, 'consumer-smoke');
  if (!existsSync(smoke)) {
    console.error(`✗ ${manifest.name}: no consumer-smoke/ folder`);
    failures++;
    continue;
  }
  const project = mkdtempSync(join(work, 'project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const closure = [...internalClosure(manifest.name)];
  const started = Date.now();
  try {
    npm(['install', '--no-audit', '--no-fund', '--prefer-offline', ...closure.map((n) => tarballs.get(n))], project);
    const installed = readdirSync(join(project, 'node_modules', '@liftguard')).map((n) => `@liftguard/${n}`).sort();
    if (JSON.stringify(installed) !== JSON.stringify(closure.sort())) {
      throw new Error(`installed ${installed.join(', ')} but the declared closure is ${closure.join(', ')}`);
    }
    cpSync(smoke, project, { recursive: true });
    for (const file of readdirSync(smoke).sort()) {
      execFileSync('node', [file], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    }
    console.log(`✓ ${manifest.name}: installed alone (${closure.length} @liftguard package(s)) and ran ${readdirSync(smoke).length} smoke file(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    failures++;
    const detail = String(error.stderr || error.message).trim().split('\n').slice(-15).join('\n');
    console.error(`✗ ${manifest.name}: ${detail}`);
  }
}
rmSync(work, { recursive: true, force: true });
console.log(`${selected.length - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
