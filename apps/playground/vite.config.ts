import { defineConfig } from 'vite';
import { copyWasmBinaries } from './scripts/copy-wasm-binaries.ts';

export default defineConfig({
  // Relative URLs so dist/ works from any path (GitHub Pages, a sub-folder, the test server).
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  plugins: [copyWasmBinaries()],
});
