// Backend speed: matMul and conv2d GFLOP/s per backend, and the wasm gradient kernels before
// and after LiftGuard's fallbacks, next to PyTorch on the CPU when it is installed.
import * as tf from '@tensorflow/tfjs-core';
import { installFallbacks, initBackend, probeBackends, Random, uninstallFallbacks } from '@liftguard/tensor';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import { pytorchVersion, runPython } from '../pytorch.js';
import { medianMs } from '../timing.js';
import type { BenchSuite } from '../suite.js';
import { tensorPeerScript } from './tensor.py.js';

const matMulShape = { m: 256, k: 784, n: 1000 };
// The CNN's second conv at batch 64 (CUTTING_PLANE.md §5): 14×14×16 → 7×7×32, 3×3, stride 2, pad 1.
const convShape = { batch: 64, size: 14, inC: 16, outC: 32, kernel: 3, stride: 2, pad: 1 };
const convPad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];
const convOut = Math.floor((convShape.size + 2 * convShape.pad - convShape.kernel) / convShape.stride) + 1;
const matMulFlops = 2 * matMulShape.m * matMulShape.k * matMulShape.n;
const convFlops = 2 * convShape.batch * convOut * convOut * convShape.outC * convShape.kernel ** 2 * convShape.inC;

interface Tensors {
  a: tf.Tensor2D; b: tf.Tensor2D; dy: tf.Tensor2D;
  x: tf.Tensor4D; w: tf.Tensor4D; dyConv: tf.Tensor4D;
}

function makeTensors(rng: Random): Tensors {
  return {
    a: rng.normalTensor([matMulShape.m, matMulShape.k]) as tf.Tensor2D,
    b: rng.normalTensor([matMulShape.k, matMulShape.n]) as tf.Tensor2D,
    dy: rng.normalTensor([matMulShape.m, matMulShape.n]) as tf.Tensor2D,
    x: rng.normalTensor([convShape.batch, convShape.size, convShape.size, convShape.inC]) as tf.Tensor4D,
    w: rng.normalTensor([convShape.kernel, convShape.kernel, convShape.inC, convShape.outC]) as tf.Tensor4D,
    dyConv: rng.normalTensor([convShape.batch, convOut, convOut, convShape.outC]) as tf.Tensor4D,
  };
}

const run = (f: () => tf.Tensor | tf.Tensor[]) => () => tf.tidy(() => {
  const out = f();
  for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
});

// The two products autograd's BatchMatMul gradient computes: dA = dy·Bᵀ, dB = Aᵀ·dy.
const matMulGradient = (t: Tensors) => run(() => [tf.matMul(t.dy, t.b, false, true), tf.matMul(t.a, t.dy, true, false)]);
// Two plain matMuls of the same shapes (operands pre-transposed outside the timing).
const twoPlainMatMuls = (t: Tensors, bT: tf.Tensor2D, aT: tf.Tensor2D) => run(() => [tf.matMul(t.dy, bT), tf.matMul(aT, t.dy)]);
const convFilterGradient = (t: Tensors) =>
  run(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: t.x, dy: t.dyConv }, {
    strides: [convShape.stride, convShape.stride], pad: convPad, dataFormat: 'NHWC', dimRoundingMode: undefined,
    filterShape: [convShape.kernel, convShape.kernel, convShape.inC, convShape.outC],
  } as unknown as tf.NamedAttrMap) as tf.Tensor);

// One MLP 784-128-128-10 training step (forward + backward) at batch 50, squared loss.
function mlpStep(rng: Random) {
  const widths = [784, 128, 128, 10];
  const weights = widths.slice(1).map((n, i) => tf.variable(rng.normalTensor([widths[i]!, n], 0, 1 / Math.sqrt(widths[i]!))));
  const x = rng.uniformTensor([50, 784]);
  const y = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: 50 }, () => rng.int(10)), 'int32'), 10), 'float32');
  const step = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      let h: tf.Tensor = x;
      weights.forEach((w, i) => { h = tf.matMul(h, w); if (i < weights.length - 1) h = tf.relu(h); });
      return tf.mean(tf.square(tf.sub(h, y)));
    });
    Object.values(grads).forEach((g) => g.dataSync());
  });
  return { step, dispose: () => tf.dispose([...weights, x, y]) };
}

export const suite: BenchSuite = {
  name: 'tensor',
  description: 'matMul / conv2d GFLOP/s per backend; wasm gradient kernels before/after fallbacks',
  async run({ root, quick }) {
    const repeats = quick ? 3 : 9;
    const statuses = await probeBackends();
    const backends = statuses.filter((s) => s.available).map((s) => s.name);
    const perBackend: Record<string, { matMulGflops: number; conv2dGflops: number; matMulMs: number; conv2dMs: number }> = {};
    for (const name of backends) {
      await initBackend({ backend: name, quiet: true });
      const t = makeTensors(new Random(1));
      const reps = name === 'cpu' ? Math.min(3, repeats) : repeats;
      const matMulMs = await medianMs(run(() => tf.matMul(t.a, t.b)), reps, 1);
      const conv2dMs = await medianMs(run(() => tf.conv2d(t.x, t.w, convShape.stride, convPad)), reps, 1);
      perBackend[name] = { matMulMs, conv2dMs, matMulGflops: matMulFlops / matMulMs / 1e6, conv2dGflops: convFlops / conv2dMs / 1e6 };
      tf.dispose(Object.values(t));
      console.log(name, perBackend[name]);
    }

    // wasm gradients, before (the backend's own kernels) and after (LiftGuard's fallbacks).
    await initBackend({ backend: 'cpu', quiet: true });
    const cpuTensors = makeTensors(new Random(1));
    const convFilterCpuMs = await medianMs(convFilterGradient(cpuTensors), Math.min(3, repeats), 1);
    tf.dispose(Object.values(cpuTensors));
    await initBackend({ backend: 'wasm', quiet: true });
    const t = makeTensors(new Random(1));
    const bT = tf.transpose(t.b) as tf.Tensor2D;
    const aT = tf.transpose(t.a) as tf.Tensor2D;
    const plainPairMs = await medianMs(twoPlainMatMuls(t, bT, aT), repeats);
    const mlp = mlpStep(new Random(2));
    const after = {
      matMulGradientMs: await medianMs(matMulGradient(t), repeats),
      convFilterMs: await medianMs(convFilterGradient(t), repeats),
      mlpStepMs: await medianMs(mlp.step, repeats),
    };
    uninstallFallbacks('wasm');
    const before = {
      matMulGradientMs: await medianMs(matMulGradient(t), repeats),
      convFilterMs: null as number | null, // wasm has no Conv2DBackpropFilter kernel of its own
      mlpStepMs: await medianMs(mlp.step, repeats),
    };
    installFallbacks('wasm');
    mlp.dispose();
    tf.dispose([...Object.values(t), bT, aT]);

    const torch = pytorchVersion();
    const peer = torch
      ? runPython<{ matMulMs: number; conv2dMs: number; matMulGradientMs: number; convFilterMs: number; mlpStepMs: number; threads: number }>(
          tensorPeerScript, { matMulShape, convShape, repeats })
      : null;

    const data = {
      machine: machineInfo(),
      shapes: { matMul: matMulShape, conv2d: convShape },
      backends: statuses,
      perBackend,
      wasmGradients: {
        twoPlainMatMulsMs: plainPairMs,
        before,
        after,
        convFilterCpuKernelMs: convFilterCpuMs,
        matMulGradientOverTwoPlain: after.matMulGradientMs / plainPairMs,
        convFilterSpeedupOverCpu: convFilterCpuMs / after.convFilterMs,
        mlpStepSpeedup: before.mlpStepMs / after.mlpStepMs,
      },
      pytorch: torch ? { version: torch, ...peer } : { unavailable: '/usr/bin/python3 -c "import torch" failed' },
      targets: { matMulGradientOverTwoPlain: '<= 1.3', convFilterSpeedupOverCpu: '>= 10' },
    };
    const f = (v: number | null | undefined, d = 1) => (v == null ? '—' : v.toFixed(d));
    const md = [
      '# @liftguard/tensor benchmarks',
      '',
      `Measured ${data.machine.date} with \`npm run bench -- tensor\` (${data.machine.node}, ${data.machine.platform}, 2 cores); medians of ${repeats} runs (cpu: 3).`,
      `matMul [${matMulShape.m}×${matMulShape.k}]·[${matMulShape.k}×${matMulShape.n}]; conv2d = the CNN's second conv at batch ${convShape.batch} (14×14×16 → 7×7×32, 3×3, stride 2, pad 1).`,
      '',
      '## Throughput per backend',
      '',
      markdownTable(
        ['backend', 'matMul ms', 'matMul GFLOP/s', 'conv2d ms', 'conv2d GFLOP/s'],
        [
          ...Object.entries(perBackend).map(([name, r]) => [name, f(r.matMulMs), f(r.matMulGflops, 2), f(r.conv2dMs), f(r.conv2dGflops, 2)]),
          ...(peer ? [[`PyTorch ${torch} (CPU, ${peer.threads} threads)`, f(peer.matMulMs), f(matMulFlops / peer.matMulMs / 1e6, 2), f(peer.conv2dMs), f(convFlops / peer.conv2dMs / 1e6, 2)]] : []),
        ],
      ),
      '',
      statuses.filter((s) => !s.available).map((s) => `Not measured: ${s.name} (${s.reason}).`).join(' '),
      '',
      '## Gradients on wasm: before and after LiftGuard\'s kernels',
      '',
      markdownTable(
        ['what', 'before (tfjs wasm)', 'after (LiftGuard)', 'ratio', 'target', 'PyTorch'],
        [
          ['matMul gradient (dy·Bᵀ and Aᵀ·dy), ms', f(before.matMulGradientMs), f(after.matMulGradientMs), `${f(after.matMulGradientMs / plainPairMs, 2)}× two plain matMuls (${f(plainPairMs)} ms)`, '≤ 1.3×', f(peer?.matMulGradientMs)],
          ['conv2d filter gradient, ms', 'missing kernel (cpu kernel: ' + f(convFilterCpuMs) + ' ms)', f(after.convFilterMs), `${f(convFilterCpuMs / after.convFilterMs)}× faster than the cpu kernel`, '≥ 10×', f(peer?.convFilterMs)],
          ['MLP 784-128-128-10 step, batch 50, ms', f(before.mlpStepMs), f(after.mlpStepMs), `${f(before.mlpStepMs / after.mlpStepMs, 2)}× faster`, '—', f(peer?.mlpStepMs)],
        ],
      ),
      '',
      peer ? '' : 'PyTorch: not installed on this machine, so no peer numbers in this run.',
    ].join('\n');
    writeResults(root, 'benchmarks', 'tensor', data, md);
  },
};
