import { createRequire } from 'node:module';
import type { Environment } from './schema/common.js';

const require = createRequire(import.meta.url);

/** The packages whose versions a report records by default. */
export const reportedPackages = ['@liftguard/tensor', '@liftguard/models', '@liftguard/losses', '@liftguard/attacks', '@liftguard/cutting-plane', '@tensorflow/tfjs-core'];

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The environment block of a report made in this Node process: backend, package versions, Node, platform. */
export function nodeEnvironment(backend: string, packages: readonly string[] = reportedPackages): Environment {
  return {
    backend,
    libraryVersions: Object.fromEntries(packages.map((n) => [n, versionOf(n)])),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
