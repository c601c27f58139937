// FGSM and L∞ PGD on CNNLight: LiftGuard's time and robust accuracy next to PyTorch's on the same
// weights (exported with exportPytorchSafetensors) and the same images, in the same run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fgsm, pgd, runAttack, type Attack } from '@liftguard/attacks';
import type { Dataset } from '@liftguard/data';
import { exportPytorchSafetensors } from '@liftguard/models';
import { installedFallbacks, Random, type Classifier } from '@liftguard/tensor';
import { peerScript, runPython } from '../pytorch.js';
import { medianMs } from '../timing.js';
import type { BenchModel } from './attacks-models.js';

export interface ThroughputOptions {
  images: number;
  epsilon: number;
  steps: number;
  repeats: number;
  /** PyTorch's version, or null when it is not importable (or --no-pytorch). */
  torch: string | null;
  pytorchThreads: number;
  seed: number;
  /** Repository root (the peer script lives in apps/bench/src/suites). */
  root: string;
}

interface PeerTimes {
  ms: number;
  oneThreadMs: number;
  robustAccuracy: number;
}

interface PeerResult {
  torch: string;
  threads: number;
  weightsReader: string;
  cleanAccuracy: number;
  cleanPredictions: number[];
  fgsm: PeerTimes;
  pgd: PeerTimes;
}

export interface ThroughputRow {
  attack: string;
  ms: number;
  robustAccuracy: number;
  pytorch: PeerTimes | null;
  /** |LiftGuard − PyTorch| robust accuracy ≤ 1 point (null without PyTorch). */
  agrees: boolean | null;
}

export interface ThroughputResult {
  model: string;
  modelHash: string;
  images: number;
  epsilon: number;
  steps: number;
  repeats: number;
  backend: string;
  /** Kernels @liftguard/tensor installed or wrapped on the backend for this run (what users get too). */
  kernelFallbacks: string[];
  cleanAccuracy: number;
  pytorch: { version: string; threads: number; weightsReader: string; cleanAccuracy: number; cleanPredictionsAgree: number } | null;
  /** Why there are no PyTorch numbers, if there are none. */
  pytorchMissing: string | null;
  rows: ThroughputRow[];
}

/** Median time of the attack itself on all images in one batch (no clean pass, no re-prediction), like the peer. */
async function attackMs(model: Classifier, x: tf.Tensor, labels: Int32Array, attack: Attack, epsilon: number, repeats: number): Promise<number> {
  const labelTensor = tf.tensor1d(labels, 'int32');
  const random = new Random('throughput');
  const ms = await medianMs(
    () => {
      const adversarial = attack.perturb({ model, x, labels: labelTensor, targeted: false, bounds: [0, 1], epsilon, random });
      adversarial.dataSync();
      adversarial.dispose();
    },
    repeats,
    1,
  );
  labelTensor.dispose();
  return ms;
}

export async function measureThroughput(model: BenchModel, data: Dataset, backend: string, options: ThroughputOptions, log: (line: string) => void = console.log): Promise<ThroughputResult> {
  const { images: count, epsilon, steps, repeats } = options;
  const labels = data.test.labels.slice(0, count);
  const x = tf.tensor4d(data.test.images.subarray(0, count * 784), [count, 28, 28, 1]);
  const attacks: [string, 'fgsm' | 'pgd', Attack][] = [
    ['FGSM', 'fgsm', fgsm()],
    [`PGD-${steps}`, 'pgd', pgd({ norm: 'linf', steps })],
  ];
  const ours: { ms: number; robustAccuracy: number }[] = [];
  let cleanAccuracy = 0;
  let cleanPredictions: ArrayLike<number> = [];
  for (const [name, , attack] of attacks) {
    const ms = await attackMs(model.classifier, x, labels, attack, epsilon, repeats);
    const run = await runAttack(model.classifier, { x, labels }, attack, { epsilons: [epsilon], returnAdversarials: false, seed: options.seed });
    cleanAccuracy = run.cleanAccuracy!;
    cleanPredictions = run.cleanPredictions;
    ours.push({ ms, robustAccuracy: run.robustAccuracy![0]! });
    log(`  ${name} on CNNLight, ${count} images, ε = ${epsilon}: ${(ms / 1000).toFixed(2)} s, robust accuracy ${(100 * run.robustAccuracy![0]!).toFixed(1)} %`);
  }
  x.dispose();

  let peer: PeerResult | null = null;
  let pytorchMissing: string | null = null;
  if (options.torch === null) {
    pytorchMissing = 'PyTorch is not importable by /usr/bin/python3 (or --no-pytorch was given)';
    log(`  ${pytorchMissing}: no peer timings`);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'liftguard-attacks-bench-'));
    try {
      const weights = join(dir, 'cnn-light.safetensors');
      writeFileSync(weights, exportPytorchSafetensors(model.classifier, { layerNames: ['conv1', 'conv2', 'fc1', 'fc2'], metadata: { format: 'pt', liftguardWeightsSha256: model.weightsSha256 } }));
      log(`  PyTorch ${options.torch}: the same weights and images, ${options.pytorchThreads} thread(s) and 1…`);
      const script = peerScript(options.root, 'attacks.py');
      peer = runPython<PeerResult>(script, {
        files: data.files,
        count,
        seed: options.seed,
        threads: options.pytorchThreads,
        weights,
        epsilon,
        steps,
        repeats,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rows = attacks.map(([name, key], i): ThroughputRow => {
    const p = peer?.[key] ?? null;
    return { attack: name, ...ours[i]!, pytorch: p, agrees: p === null ? null : Math.abs(ours[i]!.robustAccuracy - p.robustAccuracy) <= 0.01 };
  });
  for (const row of rows) {
    if (row.pytorch)
      log(
        `  ${row.attack}: PyTorch ${(row.pytorch.ms / 1000).toFixed(2)} s (${peer!.threads} threads), ${(row.pytorch.oneThreadMs / 1000).toFixed(2)} s (1 thread); LiftGuard / PyTorch ${(row.ms / row.pytorch.ms).toFixed(2)}× / ${(row.ms / row.pytorch.oneThreadMs).toFixed(2)}×; robust accuracy ${(100 * row.pytorch.robustAccuracy).toFixed(1)} % (within 1 point: ${row.agrees ? 'yes' : 'NO'})`,
      );
  }
  return {
    model: model.key,
    modelHash: model.weightsSha256,
    images: count,
    epsilon,
    steps,
    repeats,
    backend,
    kernelFallbacks: installedFallbacks(backend).map((f) => `${f.kernelName} (${f.kind}: ${f.reason})`),
    cleanAccuracy,
    pytorch: peer && {
      version: peer.torch,
      threads: peer.threads,
      weightsReader: peer.weightsReader,
      cleanAccuracy: peer.cleanAccuracy,
      cleanPredictionsAgree: peer.cleanPredictions.filter((p, i) => p === cleanPredictions[i]).length,
    },
    pytorchMissing,
    rows,
  };
}

