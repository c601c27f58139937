// Compiles native/loops.c into dist/native/<platform>-<arch>/ with the first C compiler found
// (CC, cc, gcc, clang, or g++ told the source is C). Optional: without a compiler the package
// still works on its JavaScript and tensor loops, so a failure prints one line and exits 0.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loopsLibraryFile } from '../dist/loops-file.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist', loopsLibraryFile());
const draft = `${target}.${process.pid}.tmp`;
const source = join(root, 'native', 'loops.c');
// -ffp-contract=off: no fused multiply-add, so the results equal the JavaScript/tensor versions bit for bit.
const flags = ['-O3', '-ffp-contract=off', '-fno-trapping-math', '-fno-math-errno', '-fPIC', '-fvisibility=hidden', '-o', draft];
const link = process.platform === 'darwin' ? ['-dynamiclib'] : ['-shared', '-lm'];
const compilers = [...(process.env.CC ? [[process.env.CC]] : []), ['cc'], ['gcc'], ['clang'], ['g++', '-x', 'c']];

mkdirSync(dirname(target), { recursive: true });
const failures = [];
for (const [compiler, ...language] of compilers) {
  try {
    execFileSync(compiler, [...language, ...flags, source, ...link], { stdio: ['ignore', 'ignore', 'pipe'] });
    // Built beside the target and renamed: a process that loaded the old library keeps a whole file.
    renameSync(draft, target);
    console.log(`liftguard loops: built ${target} with ${compiler}`);
    process.exit(0);
  } catch (error) {
    rmSync(draft, { force: true });
    failures.push(`${compiler}: ${String(error?.stderr?.length ? error.stderr : error?.message ?? error).trim().split('\n')[0]}`);
  }
}
console.log(`liftguard loops: not built (${failures.join('; ')}); the JavaScript and tensor loops stay`);
