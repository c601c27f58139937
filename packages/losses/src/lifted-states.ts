import * as tf from '@tensorflow/tfjs-core';
import type { Classifier } from '@liftguard/tensor';
import { forwardState, parameterGradients, reweightedPotential, type LayerWeights, type LiftedNetwork } from '@liftguard/potentials';
import { solveActivities, SpectralEstimates, type ActivitySolution, type SolveOptions, type SolveTrace } from '@liftguard/solver';
import { flatInputs, liftedNetworkOf } from './lifted-network-of.js';
import { gammaFor } from './hyperparameters.js';
import type { LossBatch } from './loss.js';
import type { LiftedSettings } from './lifted-settings.js';

/** What every lifted loss computes per batch: the network, flat inputs and the free state z*. */
export class LiftedBatch {
  readonly network: LiftedNetwork;
  readonly x: tf.Tensor2D;
  readonly free: tf.Tensor2D[];
  readonly gamma: LayerWeights;
  readonly traces: SolveTrace[];
  private readonly owned: tf.Tensor[] = [];
  private readonly children: LiftedBatch[] = [];
  /** a_k = map_k(z_{k−1}) of the states this batch solved on its network (value and closed-form gradients reuse them). */
  private readonly preActivations = new Map<readonly tf.Tensor2D[], tf.Tensor2D[]>();

  constructor(
    private readonly model: Classifier,
    readonly batch: LossBatch,
    readonly settings: LiftedSettings,
    private readonly spectral: SpectralEstimates,
    traces: SolveTrace[] = [],
  ) {
    this.traces = traces;
    this.network = liftedNetworkOf(model, settings.potential);
    this.gamma = gammaFor(settings.gamma, this.network.layers.length);
    this.x = this.own(flatInputs(this.network, batch.x));
    // With Fenchel-Young potentials the free state is exactly the forward pass.
    if (settings.potential === 'fenchel-young') {
      const forward = forwardState(this.network, this.x);
      this.free = this.ownAll(forward.activities);
      this.preActivations.set(this.free, this.ownAll(forward.preActivations));
    } else {
      this.free = this.solve({ state: 'free' });
    }
  }

  /** Solves a state with the loss's solver settings; the result lives until `dispose`. */
  solve(options: SolveOptions, network: LiftedNetwork = this.network): tf.Tensor2D[] {
    const solution = this.solution({ ...options, keepPreActivations: network === this.network }, network);
    const activities = this.ownAll(solution.activities);
    if (solution.preActivations !== undefined) this.preActivations.set(activities, this.ownAll(solution.preActivations));
    return activities;
  }

  /** `solve` whose result the caller disposes (for intermediate states of an outer loop). */
  solveTransient(options: SolveOptions, network: LiftedNetwork = this.network): tf.Tensor2D[] {
    return this.solution(options, network).activities;
  }

  private solution(options: SolveOptions, network: LiftedNetwork): ActivitySolution {
    const { settings } = this;
    // The solver's default start is the forward pass: hand it the free state's pre-activations.
    const forward = options.initial === undefined && network === this.network && settings.potential === 'fenchel-young' ? this.preActivations.get(this.free) : undefined;
    const solution = solveActivities(network, this.x, {
      gamma: this.gamma,
      rounds: settings.rounds,
      damping: settings.damping,
      schedule: settings.schedule,
      loss: settings.outputLoss,
      spectral: this.spectral,
      ...(settings.tolerance === null ? {} : { tolerance: settings.tolerance }),
      trace: settings.solverTrace,
      labels: this.batch.oneHot,
      beta: settings.beta,
      ...options,
      ...(forward === undefined ? {} : { initial: this.free, initialPreActivations: forward }),
    });
    this.traces.push(solution.trace);
    return solution;
  }

  /**
   * The same loss computation on rows `rows` of this batch (repeats allowed), sharing the network,
   * the spectral cache and the solver traces; disposed with this batch.
   */
  gather(rows: Int32Array): LiftedBatch {
    const indices = tf.tensor1d(rows, 'int32');
    const x = this.own(tf.gather(this.batch.x, indices));
    const oneHot = this.own(tf.gather(this.batch.oneHot, indices));
    indices.dispose();
    const labels = Int32Array.from(rows, (r) => this.batch.labels[r]!);
    const child = new LiftedBatch(this.model, { x, oneHot, labels }, this.settings, this.spectral, this.traces);
    this.children.push(child);
    return child;
  }

  /** U^γ per example at a state, [B]. */
  potentialRows(state: readonly tf.Tensor2D[]): tf.Tensor1D {
    return reweightedPotential(this.network, this.x, state, this.gamma);
  }

  /** ℓ(z_L, target) per example at a state, [B]. */
  outputLossRows(state: readonly tf.Tensor2D[], target: tf.Tensor2D): tf.Tensor1D {
    return this.settings.outputLoss.value(state[state.length - 1]!, target);
  }

  /** Batch mean of U^γ at a state, differentiable in the parameters (the state is held fixed). */
  potential(state: readonly tf.Tensor2D[]): tf.Scalar {
    return this.meanPotential(state, undefined);
  }

  /**
   * `potential(state)` for a value only: no θ-gradient flows through it, and a state this batch
   * solved reuses the solver's pre-activations instead of the maps' products.
   */
  potentialValue(state: readonly tf.Tensor2D[]): tf.Scalar {
    return this.meanPotential(state, this.preActivations.get(state));
  }

  private meanPotential(state: readonly tf.Tensor2D[], preActivations: tf.Tensor2D[] | undefined): tf.Scalar {
    // With Fenchel-Young potentials the free state is the forward pass, where every E_k and its
    // θ-gradient vanish exactly: 0 without evaluating the layers (a tenth of an AROVR step).
    if (state === this.free && this.settings.potential === 'fenchel-young') return tf.scalar(0);
    return tf.tidy(() => tf.mean(reweightedPotential(this.network, this.x, state, this.gamma, preActivations)));
  }

  /**
   * ∇θ of Σ_i weight_i · mean U^γ(state_i) with the states held constant, in closed form
   * (per-layer parameter gradients, no autodiff tape), keyed by the model's variable names.
   * A term's `on` batch (default this one) supplies its inputs and the mean's row count; its
   * `rows` weigh the examples. Null when some map parameter is not one of the model's variables
   * (use autodiff then).
   */
  potentialGradients(model: Classifier, terms: readonly PotentialTerm[]): Record<string, tf.Tensor> | null {
    const variables = new Set<tf.Tensor>(model.trainableVariables);
    const maps = this.network.layers.map((layer) => layer.map.parameters());
    if (!maps.every((params) => Object.values(params).every((p) => variables.has(p)))) return null;
    return tf.tidy(() => {
      const sums = new Map<tf.Tensor, tf.Tensor>();
      for (const { state, weight, on = this, rows } of terms) {
        const batch = on.x.shape[0];
        // With Fenchel-Young potentials ∂E_k/∂a_k = 0 at the free state: its term vanishes exactly.
        if (weight === 0 || (state === on.free && this.settings.potential === 'fenchel-young')) continue;
        parameterGradients(this.network, on.x, state, this.gamma, rows, on.preActivations.get(state)).forEach((grads, k) => {
          for (const [name, g] of Object.entries(grads)) {
            const parameter = maps[k]![name]!;
            const scaled = tf.mul(g, weight / batch);
            const previous = sums.get(parameter);
            sums.set(parameter, previous ? tf.add(previous, scaled) : scaled);
          }
        });
      }
      return Object.fromEntries(model.trainableVariables.map((v) => [v.name, sums.get(v) ?? tf.zerosLike(v)]));
    });
  }

  /** Batch mean of ℓ(z_L, target) at a state. */
  outputLoss(state: readonly tf.Tensor2D[], target: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => tf.mean(this.settings.outputLoss.value(state[state.length - 1]!, target)));
  }

  /** Solver diagnostics of every solve so far. */
  solverDiagnostics(): Record<string, number> {
    if (this.traces.length === 0) return {};
    // Only solves that traced Ψ (solverTrace 'objective') say whether it decreased.
    const traced = this.traces.filter((t) => t.monotone !== null);
    return {
      solverRounds: Math.max(...this.traces.map((t) => t.roundsRun)),
      ...(traced.length === 0 ? {} : { solverMonotone: traced.every((t) => t.monotone === true) ? 1 : 0 }),
      solverFinalMaxChange: Math.max(...this.traces.map((t) => Math.max(...t.rounds[t.rounds.length - 1]!.maxChange))),
    };
  }

  own<T extends tf.Tensor>(t: T): T {
    this.owned.push(t);
    return t;
  }

  private ownAll<T extends tf.Tensor>(ts: T[]): T[] {
    ts.forEach((t) => this.owned.push(t));
    return ts;
  }

  dispose(): void {
    for (const child of this.children) child.dispose();
    tf.dispose(this.owned);
  }
}

/**
 * One term weight · mean_b rows_b U^γ_b(state) of a lifted loss's θ-surrogate (`rows` default 1;
 * `on`: the batch the state was solved on, default the loss's own).
 */
export interface PotentialTerm {
  state: tf.Tensor2D[];
  weight: number;
  on?: LiftedBatch;
  rows?: tf.Tensor1D;
}

/** A loss's warm-started spectral-norm cache (σ̂ of each layer carried across batches). */
export function spectralCache(seed = 0): SpectralEstimates {
  return new SpectralEstimates(seed);
}

/** A number from a scalar tensor, disposing it. */
export function readScalar(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}
