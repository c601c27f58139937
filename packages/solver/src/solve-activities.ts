import * as tf from '@tensorflow/tfjs-core';
import { type FrozenAdjoint, type LiftedNetwork } from '@liftguard/potentials';
import { maxAbsDifferences } from '@liftguard/tensor';
import { hiddenUpdate, outputUpdate, quadraticOutputTerms, type OutputTargets, type SweepState } from './block-updates.js';
import { proximalWeights } from './damping.js';
import { SolverDivergenceError } from './errors.js';
import { objectiveTerms } from './objective.js';
import { resolveSolveOptions } from './resolve-options.js';
import { layerOrder } from './schedule.js';
import { SpectralEstimates } from './spectral-estimates.js';
import type { RoundTrace, SolveTrace } from './trace.js';
import { highestScoringWrongClass, toOneHot } from './wrong-class.js';
import type { SolveOptions } from './solve-options.js';

export type { SolveOptions } from './solve-options.js';

export interface ActivitySolution {
  /** z_1..z_L, [B, n_k] each; owned by the caller. */
  activities: tf.Tensor2D[];
  /** a_k = map_k(z_{k−1}) at `activities`, k = 1..L, with `keepPreActivations`; owned by the caller. */
  preActivations?: tf.Tensor2D[];
  trace: SolveTrace;
}

/**
 * Solves z = argmin Ψ(z) (approximately: a fixed number of block-coordinate rounds, or until a
 * tolerance) for a state of LIFTED.md §2, starting from the forward pass. Leak-free: every
 * tensor it creates is returned or disposed, also when it throws.
 */
export function solveActivities(network: LiftedNetwork, input: tf.Tensor2D, options: SolveOptions = {}): ActivitySolution {
  const {
    L,
    gamma,
    coefficients,
    loss,
    rounds,
    outputIterations,
    powerIterations,
    coldPowerIterations,
    margin,
    tolerance,
    schedule,
    recordObjective,
    batch,
    classes,
  } = resolveSolveOptions(network, input, options);

  const owned: tf.Tensor[] = [];
  const spectral = options.spectral ?? new SpectralEstimates(options.seed ?? 0);
  const z: tf.Tensor2D[] = [input];
  const a: tf.Tensor2D[] = [input];
  let roundStart: tf.Tensor2D[] = [];
  const frozen: FrozenAdjoint[] = [];
  const release = () => {
    for (const f of frozen) f.dispose();
    tf.dispose(owned);
    if (options.spectral === undefined) spectral.dispose();
  };
  const disposeState = () => {
    const live = new Set<tf.Tensor>([...z.slice(1), ...a.slice(1), ...roundStart.slice(1)]);
    for (const t of live) if (!t.isDisposed) t.dispose();
    release();
  };
  try {
    // The forward pass keeps its pre-activations, so initialization costs one forward pass
    // (none when the caller passes the pre-activations of its starting point).
    for (let k = 1; k <= L; k++) {
      const layer = network.layers[k - 1]!;
      a.push(options.initialPreActivations ? options.initialPreActivations[k - 1]!.clone() : layer.map.apply(z[k - 1]!));
      z.push(options.initial ? options.initial[k - 1]!.clone() : layer.potential.activate(a[k]!));
    }
    const targets: OutputTargets = {};
    const labels = options.labels === undefined ? undefined : track(owned, toOneHot(options.labels, batch, classes, 'labels'));
    if (coefficients.minus !== 0) targets.minus = labels;
    if (coefficients.target === 'label') targets.plus = labels;
    if (coefficients.target === 'wrong-class') {
      targets.plus = track(
        owned,
        options.target === undefined ? highestScoringWrongClass(z[L]!, labels!) : toOneHot(options.target, batch, classes, 'target'),
      );
    }

    // adjoints[k] applies map_kᵀ (k = 2..L: z_0 = x is fixed, so map_1ᵀ is never needed),
    // frozen for the solve when the map offers it.
    const adjoints: ((output: tf.Tensor2D) => tf.Tensor2D)[] = [];
    network.layers.forEach((layer, i) => {
      if (i === 0) return;
      const fast = layer.map.frozenAdjoint?.();
      if (fast !== undefined) frozen.push(fast);
      adjoints[i + 1] = fast === undefined ? (output) => layer.map.adjoint(output) : (output) => fast.adjoint(output);
    });
    const sigmas = L > 1 ? spectral.refresh(network, powerIterations, coldPowerIterations, adjoints) : [];
    const curvatures = network.layers.slice(1).map((layer) => layer.potential.preActivationCurvature);
    const damping = proximalWeights(options.damping ?? 'majorize', sigmas, curvatures, margin);
    const state: SweepState = { network, gamma, activities: z, preActivations: a, adjoints };

    const quadraticTerms = quadraticOutputTerms(coefficients, targets, loss, [batch, classes]);
    if (quadraticTerms !== undefined) owned.push(quadraticTerms);

    // Per round: max |Δz_k| in one read (one kernel with the compiled loops) and, when traced,
    // the batch sums of Ψ's terms in another. Non-finite activities make these non-finite, and
    // only then a further read finds the layer.
    const summarize = (round: number, order: readonly number[], started: number): RoundTrace => {
      const changes = round === 0 ? new Float32Array(L) : maxAbsDifferences(z.slice(1).map((zk, i) => [zk, roundStart[i + 1]!] as const));
      const terms = recordObjective
        ? tf.tidy(() => {
            const { energies, plusLoss, minusLoss } = objectiveTerms(state, coefficients, targets, loss);
            const zero = tf.scalar(0);
            return tf.stack([...energies, plusLoss ?? zero, minusLoss ?? zero]).dataSync();
          })
        : new Float32Array(0);
      if (!changes.every(Number.isFinite) || !terms.every(Number.isFinite)) throw new SolverDivergenceError(firstNonFiniteLayer(state, order), round);
      const maxChange = Array.from(changes);
      const elapsedMs = round === 0 ? 0 : performance.now() - started;
      if (!recordObjective) return { round, psi: null, energies: [], maxChange, elapsedMs, decreased: null };
      const energies = Array.from(terms.subarray(0, L), (e) => e / batch);
      const psi =
        energies.reduce((sum, e, k) => sum + gamma[k]! * e, 0) +
        (coefficients.plus * terms[L]! - coefficients.minus * terms[L + 1]!) / batch;
      const previous = trace[trace.length - 1]?.psi;
      const decreased = previous == null || psi <= previous + 1e-5 * Math.max(1, Math.abs(previous));
      return { round, psi, energies, maxChange, elapsedMs, decreased };
    };

    const trace: RoundTrace[] = [];
    trace.push(summarize(0, [], performance.now()));
    let converged: boolean | null = tolerance === undefined ? null : false;
    for (let round = 1; round <= rounds; round++) {
      const started = performance.now();
      roundStart = z.slice();
      const order = layerOrder(schedule, round, L);
      for (const k of order) {
        const next =
          k === L ? outputUpdate(state, coefficients, targets, loss, outputIterations, quadraticTerms) : hiddenUpdate(state, k, damping[k - 1]!);
        if (z[k] !== roundStart[k]) z[k]!.dispose();
        z[k] = next;
        // Keep a[k+1] = map_{k+1}(z_k): the next update of layer k or k+1 and Ψ read it.
        if (k < L) {
          a[k + 1]!.dispose();
          a[k + 1] = network.layers[k]!.map.apply(next);
        }
      }
      const summary = summarize(round, order, started);
      trace.push(summary);
      for (let k = 1; k <= L; k++) if (roundStart[k] !== z[k]) roundStart[k]!.dispose();
      roundStart = [];
      if (tolerance !== undefined && Math.max(...summary.maxChange) <= tolerance) {
        converged = true;
        break;
      }
    }
    // After the last update of each layer a[k+1] was recomputed, so a matches the returned z.
    const preActivations = a.slice(1);
    if (!options.keepPreActivations) tf.dispose(preActivations);
    release();
    return {
      activities: z.slice(1),
      ...(options.keepPreActivations ? { preActivations } : {}),
      trace: {
        rounds: trace,
        roundsRun: trace.length - 1,
        converged,
        monotone: recordObjective ? trace.every((r) => r.decreased === true) : null,
        spectralNorms: [...sigmas],
        proximalWeights: damping,
      },
    };
  } catch (error) {
    disposeState();
    throw error;
  }
}

/** The first layer, in this round's update order, whose activities or energy are not finite. */
function firstNonFiniteLayer(state: SweepState, order: readonly number[]): number {
  const { network, activities: z, preActivations: a } = state;
  const L = network.layers.length;
  const flags = tf.tidy(() => {
    // z − z is 0 where finite and NaN where not; the energy also catches overflow in squares.
    const perLayer = network.layers.map((layer, i) =>
      tf.add(tf.sum(tf.sub(z[i + 1]!, z[i + 1]!)), tf.sum(layer.potential.energy(z[i + 1]!, a[i + 1]!))),
    );
    return tf.stack(perLayer).dataSync();
  });
  const candidates = [...order, ...Array.from({ length: L }, (_, i) => i + 1)];
  return candidates.find((k) => !Number.isFinite(flags[k - 1]!)) ?? L;
}

function track<T extends tf.Tensor>(owned: tf.Tensor[], tensor: T): T {
  owned.push(tensor);
  return tensor;
}

