import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { copyWasmBinaries } from './scripts/copy-wasm-binaries.ts';

const stub = (name: string) => fileURLToPath(new URL(`./src/node-stubs/${name}.ts`, import.meta.url));

export default defineConfig({
  // Relative URLs so dist/ works from any path (GitHub Pages, a sub-folder, the test server).
  base: './',
  // @liftguard/models' index re-exports its Node file helpers; the dev server evaluates them unshaken, so they get browser stand-ins.
  resolve: { alias: { 'node:fs/promises': stub('fs-promises'), 'node:path': stub('path') } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  plugins: [copyWasmBinaries()],
});
