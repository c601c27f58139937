// One LiftGuard measurement of the mobilenet suite, in its own Node process (so that its peak
// RSS is its own): L∞ PGD steps on MobileNetV2 (batch 8, 224×224×3) on the default Node
// backend, seconds per step, peak memory, and the kernel profile of one step's input gradient.
// Run as `node mobilenet-step.js '<json options>'`; prints one JSON line. Exports no suite.
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { layersModelClassifier, type LayersModelLike } from '@liftguard/models';
import { initBackend, Random, tensorEnvironment } from '@liftguard/tensor';
import { blasStatus, setBlasThreads } from '@liftguard/tensor-blas';
import { mobileNetV2 } from './mobilenet-model.js';

export interface StepOptions {
  /** OpenBLAS threads; null leaves the library's default (all cores). */
  blasThreads: number | null;
  batch: number;
  size: number;
  classes: number;
  steps: number;
  warmup: number;
  epsilon: number;
  stepSize: number;
  seed: number;
  profile: boolean;
}

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
}

export interface StepResult {
  backend: string;
  environment: string;
  blas: string;
  blasThreads: number | null;
  stepSeconds: number[];
  minSeconds: number;
  medianSeconds: number;
  peakRssBytes: number;
  rssAfterModelBytes: number;
  tensorBytesAfter: number;
  profile: KernelTime[];
  profileTotalMs: number;
}

/** Kernel time per kernel name (tf.profile) of one call of `f`, largest first; scopes left out. */
async function kernelProfile(f: () => tf.Tensor): Promise<{ kernels: KernelTime[]; totalMs: number }> {
  const info = await tf.profile(() => f());
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    // tf.profile also lists customGrad scopes (e.g. fusedConv2d__op), whose time includes their kernels'.
    if (tf.getKernel(k.name, tf.getBackend()) == null) continue;
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls++;
    byName.set(k.name, entry);
  }
  (info.result as tf.Tensor).dispose();
  const kernels = [...byName].map(([kernel, v]) => ({ kernel, ...v })).sort((a, b) => b.ms - a.ms);
  return { kernels, totalMs: kernels.reduce((s, k) => s + k.ms, 0) };
}

export async function measureLiftGuardStep(o: StepOptions): Promise<StepResult> {
  const backend = await initBackend({ quiet: true });
  if (o.blasThreads !== null) setBlasThreads(o.blasThreads);
  const model = mobileNetV2({ size: o.size, classes: o.classes, seed: o.seed });
  const classifier = layersModelClassifier(model as unknown as LayersModelLike, { range: '0-1' });
  const rssAfterModelBytes = process.memoryUsage().rss;
  const random = new Random(o.seed);
  const x = random.uniformTensor([o.batch, o.size, o.size, 3], 0, 1);
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: o.batch }, () => random.int(o.classes)), 'int32'), o.classes);
  const inputGradient = (adversarial: tf.Tensor) =>
    tf.grad((input: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, classifier.predict(input), undefined, undefined, tf.Reduction.SUM))(adversarial);
  // One PGD step: gradient of the summed cross-entropy, sign step, projection onto the ε-ball and [0, 1].
  const step = (adversarial: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const moved = tf.add(adversarial, tf.mul(tf.sign(inputGradient(adversarial)), o.stepSize));
      return tf.clipByValue(tf.add(x, tf.clipByValue(tf.sub(moved, x), -o.epsilon, o.epsilon)), 0, 1);
    });
  let adversarial = tf.clone(x);
  const stepSeconds: number[] = [];
  for (let i = 0; i < o.warmup + o.steps; i++) {
    const start = performance.now();
    const next = step(adversarial);
    next.dataSync();
    adversarial.dispose();
    adversarial = next;
    if (i >= o.warmup) stepSeconds.push((performance.now() - start) / 1000);
  }
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const { kernels, totalMs } = o.profile ? await kernelProfile(() => inputGradient(adversarial)) : { kernels: [], totalMs: 0 };
  const tensorBytesAfter = tf.memory().numBytes;
  tf.dispose([x, labels, adversarial]);
  model.dispose();
  const sorted = [...stepSeconds].sort((a, b) => a - b);
  const status = blasStatus();
  return {
    backend: backend.name,
    environment: tensorEnvironment().summary,
    blas: status.active ? `${status.library} (${status.kernels.join(', ')})` : `off: ${status.reason}`,
    blasThreads: status.threads,
    stepSeconds,
    minSeconds: sorted[0]!,
    medianSeconds: sorted[Math.floor(sorted.length / 2)]!,
    peakRssBytes,
    rssAfterModelBytes,
    tensorBytesAfter,
    profile: kernels,
    profileTotalMs: totalMs,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await measureLiftGuardStep(JSON.parse(process.argv[2] ?? '{}') as StepOptions);
  console.log(JSON.stringify(result));
}
