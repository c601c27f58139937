// Bundled for the browser by browser.test.ts, exactly as an application would import us.
/* global window */
import * as tf from '@tensorflow/tfjs-core';
import { capabilityReport, initBackend, runConformance } from '@liftguard/tensor';

window.runChecks = async (wasmPaths) => {
  const info = await initBackend({ wasmPaths, quiet: true });
  const conformance = await runConformance({ backends: ['cpu', 'wasm'] });
  await initBackend({ backend: info.name, quiet: true });
  const report = await capabilityReport();
  const before = tf.memory().numTensors;
  const filterGradient = tf.tidy(() => {
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.ones([3, 3, 1, 1]);
    return Array.from(tf.grad((v) => tf.sum(tf.conv2d(x, v, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])))(w).dataSync());
  });
  return {
    backend: info.name,
    platform: report.platform,
    simd: report.simd,
    gaps: report.gaps,
    fallbacks: report.fallbacks.map((f) => f.kernelName),
    filterGradient,
    leaked: tf.memory().numTensors - before,
    conformanceFailures: conformance.results.filter((r) => !r.passed),
    conformanceChecked: conformance.results.length,
  };
};
