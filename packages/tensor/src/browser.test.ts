import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const chromiumPath = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const work = mkdtempSync(join(tmpdir(), 'liftguard-browser-'));
let server: Server | undefined;

afterAll(() => {
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

function serve(files: Record<string, { body: Buffer; type: string }>): Promise<number> {
  return new Promise((resolve) => {
    server = createServer((req, res) => {
      const file = files[(req.url ?? '/').split('?')[0]!];
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.type }).end(file.body);
    }).listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
  });
}

describe('in a browser bundle', () => {
  it('bundles with esbuild, loads wasm from configured paths, and passes conformance in Chromium', async (ctx) => {
    if (!existsSync(chromiumPath)) {
      if (process.env.CI) throw new Error(`${chromiumPath} is missing: .ci/apt-packages must list chromium`);
      ctx.skip('Debian chromium is not installed (apt-get install chromium)');
    }
    await build({
      entryPoints: [join(here, 'test-support', 'browser-entry.js')],
      outfile: join(work, 'bundle.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      logLevel: 'error',
    });
    // The optional BLAS package (and koffi, a Node addon) must stay out of browser bundles.
    expect(readFileSync(join(work, 'bundle.js'), 'utf8')).not.toMatch(/koffi|cblas_sgemm/);
    const files: Record<string, { body: Buffer; type: string }> = {
      '/': { body: Buffer.from('<!doctype html><script type="module" src="/bundle.js"></script>'), type: 'text/html' },
      '/bundle.js': { body: readFileSync(join(work, 'bundle.js')), type: 'text/javascript' },
    };
    for (const name of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      files[`/wasm/${name}`] = { body: readFileSync(join(wasmDir, name)), type: 'application/wasm' };
    }
    const port = await serve(files);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => 'runChecks' in window);
      const result = await page.evaluate(
        (paths) => (window as unknown as { runChecks: (p: string) => Promise<Record<string, unknown>> }).runChecks(paths),
        `http://127.0.0.1:${port}/wasm/`,
      );
      expect(errors).toEqual([]);
      expect(result).toMatchObject({ backend: 'wasm', platform: 'browser', gaps: [], leaked: 0, conformanceFailures: [] });
      expect(result.conformanceChecked).toBeGreaterThan(80);
      expect(result.fallbacks).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'BatchMatMul']));
      // d/dW Σ conv(1, W) with stride 2, pad 1 on 4×4: each tap counts the in-bounds pixels it sees
      expect(result.filterGradient).toEqual([1, 2, 2, 2, 4, 4, 2, 4, 4]);
    } finally {
      await browser.close();
    }
  });
});
