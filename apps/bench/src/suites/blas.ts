// Native speed without tfjs-node (issue #21): the wasm backend with and without the BLAS kernels
// of @liftguard/tensor-blas, next to PyTorch on the CPU at 1 and 2 threads, in one run: matMul
// (and GFLOP/s against the machine's measured sgemm peak), PGD-40 on CNNLight, BP epochs of the
// MLP and CNNLight, an AROVR epoch, and per-kernel profiles of a PGD step and a training step.
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { pgd } from '@liftguard/attacks';
import { experimentSplits, loadDataset, type Dataset } from '@liftguard/data';
import { cnnLight, mlp, trainClassifier, type SequentialClassifier } from '@liftguard/models';
import { initBackend, Random, tensorEnvironment } from '@liftguard/tensor';
import { disableBlas, enableBlas, loadBlasLibrary, setBlasThreads, type BlasLibrary } from '@liftguard/tensor-blas';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { peerScript, pytorchVersion, runPython } from '../pytorch.js';
import { median, medianMs } from '../timing.js';
import type { BenchSuite } from '../suite.js';
import { speedComparison } from './losses-speed.js';

/** One way of running LiftGuard: plain wasm, or wasm with the native kernels at a thread count. */
interface Setup {
  label: string;
  blasThreads: number | null;
  /** Convolutions on oneDNN (else on BLAS im2col or wasm, as without libdnnl). */
  oneDnn: boolean;
}
const plain = 'wasm';
const blasOnly = 'wasm+BLAS 1t (no oneDNN)';
const native1 = 'wasm+BLAS+oneDNN 1t';
const native2 = 'wasm+BLAS+oneDNN 2t';
const setups: Setup[] = [
  { label: plain, blasThreads: null, oneDnn: false },
  { label: blasOnly, blasThreads: 1, oneDnn: false },
  { label: native1, blasThreads: 1, oneDnn: true },
  { label: native2, blasThreads: 2, oneDnn: true },
];

function apply(setup: Setup): void {
  disableBlas();
  if (setup.blasThreads === null) return;
  const status = enableBlas(setup.oneDnn ? {} : { dnnl: 'off' });
  if (!status.active || status.library === null) throw new Error(`BLAS unavailable: ${status.reason}`);
  if (setup.oneDnn && status.convolutions === null) throw new Error(`oneDNN unavailable: ${status.reason}`);
  setBlasThreads(setup.blasThreads);
}

const matMulShape: [number, number, number] = [256, 784, 1000];
const epsilon = 0.1;
const steps = 40;

interface Workloads {
  matMulMs: number;
  pgdMs: number;
  mlpEpochSeconds: number;
  cnnEpochSeconds: number;
  arovrEpochSeconds: number;
}

// Epochs timed after one warm-up epoch, on both sides; the median is reported (the machine is shared and noisy).
const timedEpochs = 3;
/** Alternating turns of the short workloads (matMul, AROVR epoch); each side keeps its fastest. */
const turns = 3;

/** The median of `timedEpochs` epochs after a warm-up epoch, in seconds. */
async function epochSeconds(model: SequentialClassifier, train: Dataset['train'], loss: 'squared' | 'cross-entropy', batchSize: number): Promise<number> {
  try {
    const { history } = await trainClassifier(model, { train, epochs: timedEpochs + 1, batchSize, seed: 1, loss, optimizer: 'adam', learningRate: 1e-3 });
    return median(history.slice(1).map((h) => h.trainSeconds));
  } finally {
    model.dispose();
  }
}

async function pgdMs(data: Dataset, count: number, repeats: number): Promise<number> {
  const model = cnnLight({ seed: 1 });
  const x = tf.tensor4d(data.test.images.subarray(0, count * 784), [count, 28, 28, 1]);
  const labels = tf.tensor1d(data.test.labels.slice(0, count), 'int32');
  const attack = pgd({ norm: 'linf', steps });
  const random = new Random('blas-bench');
  try {
    return await medianMs(() => {
      const adversarial = attack.perturb({ model, x, labels, targeted: false, bounds: [0, 1], epsilon, random });
      adversarial.dataSync();
      adversarial.dispose();
    }, repeats, 1);
  } finally {
    tf.dispose([x, labels]);
    model.dispose();
  }
}

/** Kernel time per kernel name (tf.profile), largest first, of one call of `f`. */
async function kernelProfile(f: () => tf.Tensor | tf.Tensor[]): Promise<{ kernel: string; ms: number; calls: number }[]> {
  f(); // warm-up outside the profile
  tf.dispose(f());
  const info = await tf.profile(() => f());
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls++;
    byName.set(k.name, entry);
  }
  tf.dispose(info.result as tf.Tensor | tf.Tensor[]);
  return [...byName].map(([kernel, v]) => ({ kernel, ...v })).sort((a, b) => b.ms - a.ms);
}

/** One PGD step's gradient (CNNLight, summed cross-entropy w.r.t. the input) and one CNNLight training step (batch 64). */
async function profiles(data: Dataset, count: number) {
  const model = cnnLight({ seed: 1 });
  const x = tf.tensor4d(data.test.images.subarray(0, count * 784), [count, 28, 28, 1]);
  const y = tf.oneHot(tf.tensor1d(data.test.labels.slice(0, count), 'int32'), 10);
  const xb = tf.slice(x, [0, 0, 0, 0], [64, 28, 28, 1]);
  const yb = tf.slice(y, [0, 0], [64, 10]);
  try {
    const pgdStep = await kernelProfile(() => tf.grad((input: tf.Tensor) => tf.losses.softmaxCrossEntropy(y, model.predict(input), undefined, undefined, tf.Reduction.SUM))(x));
    const trainStep = await kernelProfile(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(yb, model.predict(xb)) as tf.Scalar, [...model.trainableVariables]);
      return [value, ...Object.values(grads)];
    });
    return { pgdStep, trainStep };
  } finally {
    tf.dispose([x, y, xb, yb]);
    model.dispose();
  }
}

/** GFLOP/s of a square sgemm straight on the library, the machine's practical peak. */
function sgemmPeak(library: BlasLibrary, size: number, threads: number): number {
  library.setThreads?.(threads);
  const a = new Float32Array(size * size).fill(1);
  const c = new Float32Array(size * size);
  library.sgemm(false, false, size, size, size, 1, a, size, a, size, 0, c, size);
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    library.sgemm(false, false, size, size, size, 1, a, size, a, size, 0, c, size);
    times.push(performance.now() - start);
  }
  return (2 * size ** 3) / (Math.min(...times) / 1000) / 1e9;
}

interface PeerRun extends Workloads {
  threads: number;
}

type PeerOptions = { images: number; trainSize: number; arovrSize: number; repeats: number };

/** One workload in PyTorch at `threads` threads, in its own process (the same shapes, batches, optimizer and attack). */
function pytorchMeasure(root: string, data: Dataset, key: keyof Workloads, threads: number, o: PeerOptions): number {
  switch (key) {
    case 'matMulMs':
    case 'pgdMs':
      return runPython<{ ms: number }>(peerScript(root, 'blas.py'), {
        only: key === 'matMulMs' ? 'matMul' : 'pgd', threads, seed: 1, matMul: matMulShape, matMulRepeats: 15, count: o.images, epsilon, steps, pgdRepeats: o.repeats, files: data.files,
      }).ms;
    case 'mlpEpochSeconds':
    case 'cnnEpochSeconds': {
      const model = key === 'mlpEpochSeconds' ? 'mlp' : 'cnn-light';
      const epochs = runPython<{ epochSeconds: number[] }>(peerScript(root, 'models.py'), {
        model, dataset: 'mnist', trainSize: o.trainSize, epochs: timedEpochs + 1, seed: 1, threads, widths: [784, 128, 128, 10], files: data.files,
        batchSize: model === 'mlp' ? 50 : 64, loss: model === 'mlp' ? 'squared' : 'cross-entropy', learningRate: 1e-3, learningRateDecay: 1,
      }).epochSeconds.slice(1);
      return median(epochs);
    }
    case 'arovrEpochSeconds':
      return median(runPython<{ arovrEpochSeconds: number[] }>(peerScript(root, 'losses.py'), {
        mode: 'epoch', count: o.arovrSize, batchSize: 50, rounds: 5, beta: 0.5, widths: [784, 128, 128, 10], repeats: timedEpochs, threads,
        images: data.files.trainImages, labels: data.files.trainLabels,
      }).arovrEpochSeconds);
  }
}

const fmt = (v: number, digits = 2) => v.toFixed(digits);

export const suite: BenchSuite = {
  name: 'blas',
  description: 'wasm vs wasm+BLAS (@liftguard/tensor-blas) vs PyTorch at 1 and 2 threads: matMul, PGD-40, BP and AROVR epochs, kernel profiles',
  async run({ root, quick }) {
    const o = { images: quick ? 200 : 1000, trainSize: quick ? 5_000 : 50_000, arovrSize: 5_000, repeats: 3 };
    await initBackend({ backend: 'wasm', quiet: true });
    const library = loadBlasLibrary();
    if (!('sgemm' in library)) throw new Error(`the blas suite needs a BLAS library: ${library.reason}`);
    const data = await loadDataset('mnist');
    const { train } = experimentSplits(data, { trainSize: o.trainSize, validationSize: 0 });
    const peakSize = quick ? 1024 : 2048;
    const peak = { size: peakSize, oneThread: sgemmPeak(library, peakSize, 1), twoThreads: sgemmPeak(library, peakSize, 2) };
    console.log(`  ${library.name}: sgemm ${peakSize}³ peak ${fmt(peak.oneThread, 1)} GFLOP/s (1 thread), ${fmt(peak.twoThreads, 1)} GFLOP/s (2 threads)`);

    // Setups and PyTorch take turns within each workload, so that load from other jobs on the
    // machine (it drifts over minutes) falls on all of them alike.
    const torch = pytorchVersion();
    const ours: Record<string, Workloads> = Object.fromEntries(setups.map((s) => [s.label, {} as Workloads]));
    const peers: PeerRun[] = torch === null ? [] : [1, 2].map((threads) => ({ threads }) as PeerRun);
    const loadDuring: Record<string, number> = {};
    // `rounds` turns of every setup and peer; each keeps its fastest turn, so a burst of load
    // from other jobs that hits one side's turn does not decide a short workload's ratio.
    const each = async (key: keyof Workloads, measure: () => Promise<number>, rounds = 1) => {
      for (let round = 0; round < rounds; round++) {
        for (const setup of setups) {
          apply(setup);
          const value = await measure();
          ours[setup.label]![key] = round === 0 ? value : Math.min(ours[setup.label]![key], value);
        }
        for (const peer of peers) {
          const value = pytorchMeasure(root, data, key, peer.threads, o);
          peer[key] = round === 0 ? value : Math.min(peer[key], value);
        }
      }
      loadDuring[key] = loadavg()[0]!;
      console.log(`  ${key}: ${[...setups.map((s) => `${s.label} ${fmt(ours[s.label]![key])}`), ...peers.map((p) => `PyTorch ${p.threads}t ${fmt(p[key])}`)].join(', ')} (load ${fmt(loadDuring[key]!, 1)})`);
    };
    const a = tf.randomNormal([matMulShape[0], matMulShape[1]]);
    const b = tf.randomNormal([matMulShape[1], matMulShape[2]]);
    // The product alone, as torch.mm on the PyTorch side: wasm runs kernels synchronously, so the
    // result is there when matMul returns; reading it out of the heap (a 1 MB copy, ~1.2 ms) is not timed.
    await each(
      'matMulMs',
      () =>
        medianMs(() => {
          tf.matMul(a, b).dispose();
        }, 15, 3),
      turns,
    );
    tf.dispose([a, b]);
    await each('pgdMs', () => pgdMs(data, o.images, o.repeats));
    await each('mlpEpochSeconds', () => epochSeconds(mlp([784, 128, 128, 10], { seed: 1 }), train, 'squared', 50));
    await each('cnnEpochSeconds', () => epochSeconds(cnnLight({ seed: 1 }), train, 'cross-entropy', 64));
    await each('arovrEpochSeconds', async () => median((await speedComparison(data, null, { images: o.arovrSize, backend: 'wasm', repeats: timedEpochs })).liftguard.arovrEpochSeconds), turns);
    const profileRows: Record<string, Awaited<ReturnType<typeof profiles>>> = {};
    for (const setup of setups.filter((s) => s.label !== native2)) {
      apply(setup);
      profileRows[setup.label] = await profiles(data, o.images);
    }
    apply(setups[3]!);
    console.log(`  native state during the ${native2} runs: ${tensorEnvironment().summary}`);

    const workloads: [keyof Workloads, string, (v: number) => string][] = [
      ['matMulMs', `matMul ${matMulShape[0]}×${matMulShape[1]}·${matMulShape[1]}×${matMulShape[2]} (ms)`, (v) => fmt(v)],
      ['pgdMs', `PGD-${steps}, CNNLight, ${o.images} MNIST test images (s)`, (v) => fmt(v / 1000)],
      ['mlpEpochSeconds', `BP epoch, MLP 784-128-128-10, ${o.trainSize} MNIST, batch 50 (s)`, (v) => fmt(v)],
      ['cnnEpochSeconds', `BP epoch, CNNLight, ${o.trainSize} MNIST, batch 64 (s)`, (v) => fmt(v)],
      ['arovrEpochSeconds', `AROVR epoch (T = 5), MLP, ${o.arovrSize} MNIST (s)`, (v) => fmt(v)],
    ];
    const best = peers.length ? (key: keyof Workloads) => Math.min(...peers.map((p) => p[key])) : null;
    const header = ['workload', ...setups.map((s) => s.label), ...peers.map((p) => `PyTorch ${p.threads}t`), ...(best ? ['wasm / best PyTorch', 'best LiftGuard / best PyTorch', 'oneDNN 1t / PyTorch 1t'] : [])];
    const bestOurs = (key: keyof Workloads) => Math.min(ours[native1]![key], ours[native2]![key]);
    const rows = workloads.map(([key, name, show]) => [
      name,
      ...setups.map((s) => show(ours[s.label]![key])),
      ...peers.map((p) => show(p[key])),
      ...(best ? [`${fmt(ours[plain]![key] / best(key))}×`, `${fmt(bestOurs(key) / best(key))}×`, `${fmt(ours[native1]![key] / peers[0]![key])}×`] : []),
    ]);
    const gflops = (ms: number) => (2 * matMulShape[0] * matMulShape[1] * matMulShape[2]) / (ms / 1000) / 1e9;
    const gflopRows = [
      ...setups.map((s) => [s.label, fmt(gflops(ours[s.label]!.matMulMs), 1)]),
      ...peers.map((p) => [`PyTorch ${p.threads}t`, fmt(gflops(p.matMulMs), 1)]),
      [`${library.name} sgemm ${peakSize}³, 1 thread (peak)`, fmt(peak.oneThread, 1)],
      [`${library.name} sgemm ${peakSize}³, 2 threads (peak)`, fmt(peak.twoThreads, 1)],
    ];
    const profileTable = (which: 'pgdStep' | 'trainStep') => {
      const labels = Object.keys(profileRows);
      const kernels = [...new Set(labels.flatMap((l) => profileRows[l]![which].slice(0, 8).map((k) => k.kernel)))];
      const total = (l: string) => profileRows[l]![which].reduce((s, k) => s + k.ms, 0);
      return markdownTable(
        ['kernel', ...labels.map((l) => `${l} ms (share)`)],
        [
          ...kernels.map((kernel) => [kernel, ...labels.map((l) => {
            const k = profileRows[l]![which].find((e) => e.kernel === kernel);
            return k ? `${fmt(k.ms)} (${fmt((100 * k.ms) / total(l), 0)} %)` : '—';
          })]),
          ['all kernels', ...labels.map((l) => fmt(total(l)))],
        ],
      );
    };
    const machine = { ...machineInfo(), loadAverage: loadavg(), loadAfterEachWorkload: loadDuring, blas: library.name, blasPath: library.path };
    const markdown = [
      '# Native speed without tfjs-node: wasm, wasm + BLAS + oneDNN, PyTorch',
      '',
      `Generated by \`npm run bench -- blas${quick ? ' --quick' : ''}\` on ${machine.date} (${machine.platform}, Node ${machine.node}, ${library.name} at ${library.path}, PyTorch ${torch ?? 'not installed'}; load average at the end ${machine.loadAverage.map((v) => v.toFixed(1)).join(' / ')} on 2 shared cores — other jobs ran alongside, so absolute times are noisy; the ratios come from one run).`,
      '',
      `LiftGuard's setups and PyTorch take turns within each workload (1-minute load average after each workload: ${Object.entries(loadDuring).map(([k, v]) => `${k} ${fmt(v, 1)}`).join(', ')}).`,
      '',
      '"wasm" is tfjs 4.22\'s SIMD wasm backend with @liftguard/tensor\'s fallbacks (single-threaded: tfjs caps its pool at cores / 2 = 1 here); "wasm+BLAS+oneDNN nt" adds @liftguard/tensor-blas — matMul on OpenBLAS, convolutions on oneDNN (Debian\'s libdnnl2, the library PyTorch\'s CPU convolutions run on), Adam\'s update as one compiled C loop per parameter tensor (the package\'s own loops, built with the system C compiler; the same float32 values as the 13-kernel tensor version), and the lifted solver\'s per-round changes and dense spectral-norm estimates as one compiled kernel each — at n threads; "wasm+BLAS 1t (no oneDNN)" is the same without oneDNN (`LIFTGUARD_DNNL=off`: thin convs on XNNPACK, wide ones on BLAS im2col). PyTorch runs the same workloads (same shapes, batches, optimizer, attack semantics) at 1 and 2 threads; "best" takes the faster thread count on each side. Epoch times are the median of three epochs after a warm-up epoch, on both sides. matMul (a median of 15 products) and the AROVR epoch run in ' + turns + ' alternating turns of every setup and PyTorch run, and each keeps its fastest turn.',
      '',
      markdownTable(header, rows),
      '',
      '## matMul GFLOP/s against the measured sgemm peak',
      '',
      markdownTable(['run', 'GFLOP/s'], gflopRows),
      '',
      `## Where the time goes: kernel time of one PGD step's input gradient (CNNLight, ${o.images} images)`,
      '',
      profileTable('pgdStep'),
      '',
      '## Kernel time of one CNNLight training step (batch 64, forward + backward)',
      '',
      profileTable('trainStep'),
      '',
      '## Reading it',
      '',
      '- matMul is one `cblas_sgemm` on the wasm heap: it reaches the library\'s own speed, level with PyTorch (which calls the same kind of kernel). Both sides time the product alone (wasm runs it synchronously; reading the 1 MB result out of the heap, ~1.2 ms, was timed before 2026-12-07 afternoon and is not now).',
      '- CNNLight\'s convolutions are thin (1→8 and 8→16 channels, 3×3): im2col in JavaScript + GEMM lost to XNNPACK\'s direct conv there, and wasm\'s input gradient is a direct loop. oneDNN\'s JIT kernels (the ones PyTorch runs) take the forward conv with bias and ReLU inside it and both gradients; CNNLight\'s layers run as one FusedConv2D kernel each with a lazy gradient (tfjs\' fused op splits into conv + add + relu under a gradient).',
      '- The L∞ step\'s sign ran on wasm\'s own Sign, which branches on every value (random gradient signs: ~30× its Multiply); @liftguard/tensor installs a branch-free pass over the heap, compiled where tensor-blas\' loops load (0.15 vs 2.1 ms on 784k values). With the loops the whole step (sign, step, ε-box, bounds: seven passes over the input in tensor form) is one kernel, `LiftGuardLinfStep`.',
      '- AROVR and the MLP epoch run hundreds of small kernels per batch: BLAS removes the matMul time, the rest is per-kernel dispatch in tfjs (~10–20 µs a kernel: Adam alone is 13 kernels per parameter tensor). A fused Adam step in JavaScript and a flattened one were both tried and measured no faster (JavaScript loops run scalar, wasm\'s elementwise kernels SIMD); Adam is one compiled kernel per tensor now. An AROVR step also shares the pre-activations between the solver, the value and the closed-form gradients (9 fewer matMuls on the MLP), and with the loops each solve\'s spectral-norm power iterations and per-round changes are one kernel each (~380 → ~240 kernels per step, counted with tf.profile).',
      '- OpenBLAS at 2 threads and PyTorch at 2 threads suffer most when the 2 cores are shared with other jobs (their worker threads wait for each other); the 1-thread columns are the fairer comparison on a busy machine.',
    ].join('\n');
    // Quick runs get their own file, so that a smoke run never overwrites the full table.
    writeResults(root, 'benchmarks', quick ? 'tensor-blas-quick' : 'tensor-blas', { machine, quick, options: o, peak, liftguard: ours, pytorch: { version: torch, runs: peers }, profiles: profileRows }, markdown);
  },
};
