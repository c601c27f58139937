import { initBackend } from '@liftguard/tensor';
import { beforeAll } from 'vitest';

// Every test file runs on the backend initBackend picks (wasm here), quietly.
beforeAll(async () => {
  await initBackend({ quiet: true });
});
