import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);

/** The tfjs wasm backend fetches its .wasm files at run time: emit them as build assets under wasm/. */
export function copyWasmBinaries(): Plugin {
  const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  const files = readdirSync(wasmDir).filter((name) => name.endsWith('.wasm'));
  return {
    name: 'liftguard-copy-wasm-binaries',
    generateBundle() {
      for (const name of files) this.emitFile({ type: 'asset', fileName: `wasm/${name}`, source: readFileSync(join(wasmDir, name)) });
    },
    configureServer(server) {
      // The dev server serves the same files from node_modules.
      server.middlewares.use((req, res, next) => {
        const name = (req.url ?? '').split('?')[0]!.split('/wasm/')[1];
        if (name === undefined || !files.includes(name)) return next();
        res.setHeader('content-type', 'application/wasm');
        res.end(readFileSync(join(wasmDir, name)));
      });
    },
  };
}
