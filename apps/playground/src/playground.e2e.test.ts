import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveDirectory } from './serve-directory';
import type { PlaygroundTestHook } from './test-hook';

const chromiumPath = '/usr/bin/chromium';
const chromiumFlags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(app, 'dist');
const screenshotPath = join(app, 'test-results', 'playground.png');
const missingChromium = !existsSync(chromiumPath);
if (missingChromium && !process.env.CI) console.warn(`skipping the browser tests: ${chromiumPath} is not installed (apt-get install chromium)`);

let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;
let baseUrl: string;
const pageErrors: string[] = [];

function hook(): Promise<PlaygroundTestHook> {
  return page.evaluate(() => (window as unknown as { liftguardPlayground: PlaygroundTestHook }).liftguardPlayground);
}

/** Clicks "Run attack" and waits until the page has recorded the finished attack. */
async function runAttackAndWait(): Promise<void> {
  const before = (await hook()).attacks;
  await page.click('#attack-run');
  await page.waitForFunction((n) => (window as unknown as { liftguardPlayground: PlaygroundTestHook }).liftguardPlayground.attacks > n, before, { timeout: 30_000 });
}

function bytesUnder(dir: string, keep: (name: string) => boolean): number {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(keep)
    .reduce((sum, name) => sum + (statSync(join(dir, name)).isFile() ? statSync(join(dir, name)).size : 0), 0);
}

beforeAll(async () => {
  if (missingChromium) return;
  // turbo builds before test; a bare `vitest run` builds here so the test never sees a stale or missing dist.
  if (!existsSync(join(dist, 'index.html'))) await build({ root: app, logLevel: 'warn' });
  ({ server, url: baseUrl } = await serveDirectory(dist));
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
  page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe.skipIf(missingChromium && !process.env.CI)('the built playground in Chromium', () => {
  it('has chromium in CI', () => {
    if (missingChromium) throw new Error(`${chromiumPath} is missing: CI must install Debian's chromium`);
  });

  it('loads the models on wasm and predicts the shown test digit', async () => {
    const started = Date.now();
    await page.goto(baseUrl);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const state = await hook();
    console.log(`page load to ready: ${Date.now() - started} ms (in-page: ${state.loadMilliseconds?.toFixed(0)} ms)`);
    console.log(`bundle: ${(bytesUnder(join(dist, 'assets'), (n) => n.endsWith('.js')) / 1024).toFixed(0)} KiB of JavaScript, ${(bytesUnder(dist, (n) => n.endsWith('.wasm')) / 1024).toFixed(0)} KiB of wasm`);
    expect(state.error).toBeNull();
    expect(state.backend).toBe('wasm');
    expect(await page.textContent('#backend-badge')).toContain('wasm');
    expect(state.modelsLoaded).toEqual(['mlp-bp', 'mlp-arovr', 'cnn-light', 'cnn-light-repaired']);
    const label = Number((await page.textContent('#digit-label'))!.replace(/\D/g, ''));
    const predictions = await page.$$eval('.model-card .prediction', (nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.prediction)));
    expect(predictions).toEqual([label, label, label, label]);
  });

  it('flips the prediction with PGD-20 at a large ε and stays inside the ε-ball, in under 200 ms', async () => {
    await page.selectOption('#attack-model', 'mlp-bp');
    await page.selectOption('#attack-norm', 'linf');
    await page.locator('#attack-epsilon').fill('0.3');
    // The first attack warms up the kernels; the next ten are timed.
    const timings: number[] = [];
    for (let run = 0; run < 11; run++) {
      await runAttackAndWait();
      timings.push((await hook()).lastAttack!.milliseconds);
    }
    const attack = (await hook()).lastAttack!;
    const warm = timings.slice(1).sort((a, b) => a - b);
    const median = warm[Math.floor(warm.length / 2)]!;
    console.log(`PGD-20 L∞ on one image (MLP 784-128-128-10), in the browser: first ${timings[0]!.toFixed(0)} ms, then median ${median.toFixed(0)} ms (min ${warm[0]!.toFixed(0)}, max ${warm.at(-1)!.toFixed(0)})`);
    expect(attack.epsilon).toBe(0.3);
    expect(attack.prediction).not.toBe(attack.cleanPrediction);
    const largest = Math.max(...attack.original.map((v, i) => Math.abs(attack.adversarial[i]! - v)));
    expect(largest).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(Math.min(...attack.adversarial)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...attack.adversarial)).toBeLessThanOrEqual(1);
    expect(await page.textContent('#attack-status')).toContain('prediction flipped');
    expect(await page.getAttribute('#attack-adversarial', 'aria-label')).toBe(`Adversarial image, predicted ${attack.prediction}`);
    // The budget is for one attack on an idle machine: the fastest warm run proves it; the median (logged) moves with the load of shared CI runners.
    expect(warm[0]!).toBeLessThan(200);
  });

  it('moves the ε slider with the keyboard', async () => {
    await page.focus('#attack-epsilon');
    await page.keyboard.press('ArrowLeft');
    expect(await page.inputValue('#attack-epsilon')).toBe('0.29');
    expect(await page.textContent('#attack-epsilon-value')).toBe('0.29');
    await page.keyboard.press('ArrowRight');
    expect(await page.inputValue('#attack-epsilon')).toBe('0.3');
  });

  it('attacks a hidden layer of the lifted MLP', async () => {
    await page.selectOption('#attack-model', 'mlp-arovr');
    expect(await page.isVisible('#internal-attack')).toBe(true);
    await page.locator('#internal-rho').fill('1');
    await page.click('#internal-run');
    await page.waitForFunction(() => /ms$/.test(document.querySelector('#internal-status')!.textContent ?? ''), undefined, { timeout: 30_000 });
    const status = (await page.textContent('#internal-status'))!;
    console.log(`internal-layer attack: ${status}`);
    expect(status).toMatch(/^Layer 1, ρ = 1 .*(still predicts|flipped)/);
    await page.selectOption('#attack-model', 'mlp-bp');
    expect(await page.isVisible('#internal-attack')).toBe(false);
  });

  it('predicts a digit drawn on the canvas', async () => {
    const before = await page.$$eval('.model-card .prediction', (nodes) => nodes.map((n) => n.textContent));
    await page.click('#draw-clear');
    const box = (await page.locator('#draw-canvas').boundingBox())!;
    // A vertical stroke: a "1".
    await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2, box.y + box.height * (0.2 + 0.06 * k));
    await page.mouse.up();
    const after = await page.$$eval('.model-card .prediction', (nodes) => nodes.map((n) => n.textContent));
    expect(after).not.toEqual(before);
    expect(await page.textContent('#digit-label')).toBe('your drawing');
    await page.fill('#digit-index', '0');
    await page.dispatchEvent('#digit-index', 'change');
  });

  it('attacks the CNN too and times it', async () => {
    await page.selectOption('#attack-model', 'cnn-light');
    const before = (await hook()).lastAttack;
    for (let run = 0; run < 2; run++) await runAttackAndWait();
    const attack = (await hook()).lastAttack!;
    expect(attack).not.toEqual(before);
    expect(attack.model).toBe('cnn-light');
    console.log(`PGD-20 L∞ on one image (CNNLight), in the browser: ${attack.milliseconds.toFixed(0)} ms`);
    expect(attack.prediction).not.toBe(attack.cleanPrediction);
  });

  it('computes a robust-accuracy curve that starts at clean accuracy and falls', async () => {
    await page.selectOption('#curve-size', '20');
    await page.click('#curve-run');
    await page.waitForFunction(() => (window as unknown as { liftguardPlayground: PlaygroundTestHook }).liftguardPlayground.lastCurve !== null, undefined, { timeout: 60_000 });
    const curve = (await hook()).lastCurve!;
    expect(curve.series).toHaveLength(4);
    for (const s of curve.series) {
      expect(s.robustAccuracy).toHaveLength(curve.epsilons.length);
      expect(s.robustAccuracy.at(-1)!).toBeLessThan(s.robustAccuracy[0]!);
    }
    expect(await page.$$('#curve-chart svg polyline')).toHaveLength(4);
    expect(await page.$eval('#curve-progress', (p) => (p as HTMLProgressElement).value)).toBe(1);
  });

  it('runs an attack from the keyboard with a visible focus ring', async () => {
    await page.focus('#attack-kind');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('attack-run');
    expect(await page.$eval('#attack-run', (b) => getComputedStyle(b).outlineStyle)).toBe('solid');
    const before = (await hook()).attacks;
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => (window as unknown as { liftguardPlayground: PlaygroundTestHook }).liftguardPlayground.attacks > n, before, { timeout: 30_000 });
  });

  it('fits a phone-sized screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: screenshotPath.replace('.png', '-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 1400 });
  });

  it('takes a screenshot that is not blank', async () => {
    const png = await page.screenshot({ path: screenshotPath, fullPage: true });
    expect(png.length).toBeGreaterThan(10_000);
    const distinctColours = await page.evaluate(async (base64) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!);
      return colours.size;
    }, png.toString('base64'));
    expect(distinctColours).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
  });
});
