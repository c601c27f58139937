// Lifted-network activity solver: time per block-coordinate round next to one forward pass of
// the same MLP, per backend (wasm, and tensorflow where installed), for the target
// "one round costs ≤ 3 forward passes".
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { denseMlp, disposeNetworkParameters, forwardPass } from '@liftguard/potentials';
import { SpectralEstimates, solveActivities } from '@liftguard/solver';
import { initBackend, probeBackends, Random } from '@liftguard/tensor';
import { markdownTable, machineInfo, writeResults } from '../results.js';
import type { BenchSuite } from '../suite.js';

const architectures = [
  [784, 128, 128, 10],
  [784, 512, 512, 10],
];
const batches = [50, 500];
const measuredBackends = ['wasm', 'tensorflow'] as const;
type TraceMode = 'objective' | 'changes';

interface Row {
  backend: string;
  architecture: string;
  batch: number;
  forwardMs: number;
  /** A 0-round solve: forward initialization, warm power iterations, round-0 trace. */
  setupMs: number;
  /** Median round with the default trace (Ψ, energies, max |Δz|). */
  roundMs: number;
  /** Median round with trace: 'changes' (max |Δz| only). */
  leanRoundMs: number;
  roundOverForward: number;
  leanRoundOverForward: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(sizes: number[], batch: number, rounds: number, repeats: number): Promise<Omit<Row, 'backend'>> {
  const random = new Random(`solver bench ${sizes.join('-')} ${batch}`);
  const network = denseMlp(sizes, { random });
  const x = random.uniformTensor([batch, sizes[0]!]) as tf.Tensor2D;
  const labels = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % sizes.at(-1)!), 'int32');
  const spectral = new SpectralEstimates(1);
  const solve = (n: number, trace: TraceMode) => {
    const solution = solveActivities(network, x, { state: 'adversarial', labels, beta: 0.5, rounds: n, spectral, trace });
    tf.dispose(solution.activities);
    return solution.trace;
  };
  // Read one number back so that lazy backends finish the work inside the timing.
  const forward = () => tf.tidy(() => forwardPass(network, x).at(-1)!.dataSync()[0]);
  const elapsed = (f: () => unknown) => {
    const start = performance.now();
    f();
    return performance.now() - start;
  };
  // Interleaved, so that load from other processes on the shared machine hits every quantity alike.
  const times = { forward: [] as number[], setup: [] as number[], round: [] as number[], leanRound: [] as number[] };
  forward();
  solve(rounds, 'objective');
  for (let i = 0; i < repeats; i++) {
    for (let j = 0; j < 3; j++) times.forward.push(elapsed(forward));
    times.setup.push(elapsed(() => solve(0, 'objective')));
    // Each round times itself, its trace read included.
    times.round.push(...solve(rounds, 'objective').rounds.slice(1).map((r) => r.elapsedMs));
    times.leanRound.push(...solve(rounds, 'changes').rounds.slice(1).map((r) => r.elapsedMs));
  }
  const forwardMs = median(times.forward);
  const setupMs = median(times.setup);
  const roundMs = median(times.round);
  const leanRoundMs = median(times.leanRound);
  tf.dispose([x, labels]);
  spectral.dispose();
  disposeNetworkParameters(network);
  return {
    architecture: sizes.join('-'),
    batch,
    forwardMs,
    setupMs,
    roundMs,
    leanRoundMs,
    roundOverForward: roundMs / forwardMs,
    leanRoundOverForward: leanRoundMs / forwardMs,
  };
}

export const suite: BenchSuite = {
  name: 'solver',
  description: 'time per activity-solver round vs one forward pass (MLPs 784-128-128-10 and 784-512-512-10, batch 50 and 500)',
  async run({ root, quick }) {
    const rounds = quick ? 3 : 10;
    const repeats = quick ? 3 : 9;
    const loadBefore = loadavg()[0]!;
    const statuses = await probeBackends();
    const rows: Row[] = [];
    const skipped: string[] = [];
    for (const name of measuredBackends) {
      const status = statuses.find((s) => s.name === name);
      if (!status?.available) {
        skipped.push(`${name} (${status?.reason ?? 'unknown backend'})`);
        continue;
      }
      await initBackend({ backend: name, quiet: true });
      console.log(`backend ${name}`);
      for (const sizes of architectures) {
        for (const batch of batches) {
          const row = { backend: name, ...(await measure(sizes, batch, rounds, repeats)) };
          rows.push(row);
          console.log(`  ${row.architecture} batch ${batch}: forward ${row.forwardMs.toFixed(2)} ms, round ${row.roundMs.toFixed(2)} ms (lean ${row.leanRoundMs.toFixed(2)} ms)`);
        }
      }
    }
    const fmt = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
    const table = markdownTable(
      ['backend', 'MLP', 'batch', 'forward pass (ms)', 'solve setup (ms)', 'one round (ms)', 'round / forward', "round, trace 'changes' (ms)", 'lean round / forward'],
      rows.map((r) => [
        r.backend,
        r.architecture,
        r.batch,
        fmt(r.forwardMs),
        fmt(r.setupMs),
        fmt(r.roundMs),
        r.roundOverForward.toFixed(2),
        fmt(r.leanRoundMs),
        r.leanRoundOverForward.toFixed(2),
      ]),
    );
    // The machine is shared: the 1-minute load average says how much the timings can be trusted.
    const load = { before: loadBefore, after: loadavg()[0]! };
    const info = machineInfo();
    const machine = { ...info, loadAverage: load };
    const markdown = [
      '# Activity solver: cost of a round',
      '',
      `Generated by \`npm run bench -- solver${quick ? ' --quick' : ''}\` (apps/bench/src/suites/solver.ts) on ${String(info.date)}, Node ${String(info.node)}, ${String(info.platform)}, on a shared machine (1-minute load average ${load.before.toFixed(1)} before and ${load.after.toFixed(1)} after the run; timings vary by tens of percent between runs).`,
      '',
      table,
      '',
      `How: adversarial solves (β = ½, γ = 1, squared loss, default 'majorize' damping, top-down schedule, spectral estimates warm-started across solves) of an MLP with the authors' init and inputs in [0, 1). "one round" is the median of the per-round wall-clock times the solver records in its trace (\`rounds[r].elapsedMs\`, which includes the round's trace and its one read-back), over ${repeats} solves of ${rounds} rounds. "solve setup" is the median time of ${repeats} 0-round solves (forward initialization, 3 warm power iterations per map, round-0 trace). "forward pass" is the median of ${3 * repeats} timed forward passes of the same network and batch (each ending with a read of the logits). The measurements are interleaved (3 forward passes, a 0-round solve, a solve, a lean solve; ${repeats} times, after one untimed forward pass and solve), so that load from other processes affects them alike. The default trace records Ψ, the per-layer energies and max |Δz| per layer; \`trace: 'changes'\` records only max |Δz| (enough for a tolerance and for divergence detection).`,
      '',
      'Target: one round ≤ 3 forward passes. A top-down round multiplies by maps 2..L twice (the adjoint in the hidden update and the refresh of the pre-activations above) and never by the first, widest map, whose pre-activations a_1 = x·K_0 + b_0 do not change during a solve; so in FLOPs a round is cheaper than a forward pass for these nets, and what remains at small sizes is the per-op overhead of ~40 small tfjs ops per round (~0.1 ms each on wasm here).',
      '',
      skipped.length ? `Not measured: ${skipped.join('; ')}.` : '',
    ].join('\n');
    writeResults(root, 'benchmarks', 'solver', { machine, rounds, repeats, rows, skipped }, markdown);
  },
};
