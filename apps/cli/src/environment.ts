import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The environment block every report carries. */
export function reportEnvironment(): { backend: string; libraryVersions: Record<string, string>; node: string; platform: string } {
  const names = ['@liftguard/tensor', '@liftguard/models', '@liftguard/losses', '@liftguard/attacks', '@liftguard/cutting-plane', '@tensorflow/tfjs-core'];
  return {
    backend: tf.getBackend(),
    libraryVersions: Object.fromEntries(names.map((n) => [n, versionOf(n)])),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}
