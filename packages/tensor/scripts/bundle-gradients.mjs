// Bundles tfjs-core's own gradient registrations into one CommonJS file for Node.
// tfjs-core's Node entry registers no gradients and its ESM `register_all_gradients`
// cannot load in Node (extensionless imports); tfjs keeps its registries in globals,
// so a bundled copy registers into the same engine (this is how @tensorflow/tfjs does it).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const coreDir = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
const outfile = join(here, '..', 'dist', 'vendor', 'register-gradients.node.cjs');
mkdirSync(dirname(outfile), { recursive: true });

await build({
  entryPoints: [join(coreDir, 'dist', 'register_all_gradients.js')],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  legalComments: 'none',
  banner: {
    js: '// Generated from @tensorflow/tfjs-core@' + require('@tensorflow/tfjs-core/package.json').version + ' (Apache-2.0): its gradient registrations, bundled for Node.',
  },
});
