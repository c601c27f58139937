import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, Seed } from '@liftguard/tensor';
import { attackNorm, type Attack } from './attack.js';
import { AttackConfigError, AttackInputError } from './errors.js';
import type { DeclaresGradientSource, GradientReport } from './gradient-source.js';
import { gradientReport } from './gradient-source.js';
import { pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import type { LabelInput } from './validate.js';

/**
 * A network whose hidden activities can be read and perturbed: lifted networks (the free
 * state z*) and layered models implement it. Layers are numbered 1..layerCount (hidden
 * layers only; the logits are not a layer to attack).
 */
export interface InternalLayerNetwork extends DeclaresGradientSource {
  readonly inputShape: readonly number[];
  readonly numClasses: number;
  readonly layerCount: number;
  /** The free-state activities z*_1..z*_layerCount for x [N, ...inputShape] (caller owns). */
  activities(x: tf.Tensor): tf.Tensor[];
  /** Logits [N, numClasses] from a (perturbed) activity of layer k; differentiable in zk. */
  predictFromLayer(k: number, zk: tf.Tensor): tf.Tensor2D;
}

/** Give exactly one of `rhos` (relative budgets) and `epsilons` (absolute budgets). */
export interface InternalLayerOptions {
  /** Relative radii: ‖δ‖₂ ≤ ρ·mean_i‖z*_k,i‖₂ (LIFTED §5 uses 0.05, 0.1, 0.2, 0.5). */
  rhos?: readonly number[];
  /**
   * Absolute radii: ‖δ‖₂ ≤ ε on every layer, whatever its activity scale — so two networks
   * whose activities differ in size are compared at the same perturbation.
   */
  epsilons?: readonly number[];
  /** Layers to attack (default all, 1..layerCount). */
  layers?: readonly number[];
  /** An L2 attack (default PGD-L2, 40 steps, cross-entropy). */
  attack?: Attack;
  seed?: Seed;
  batchSize?: number;
}

/** Robustness of one hidden layer. */
export interface LayerRobustness {
  layer: number;
  /** mean_i ‖z*_k,i‖₂ over the examples: the unit ρ is measured in. */
  meanActivityNorm: number;
  /** The relative radii (with absolute budgets: ε / meanActivityNorm). */
  rhos: number[];
  /** The absolute radii (with relative budgets: ρ·meanActivityNorm). */
  epsilons: number[];
  robustAccuracy: number[];
  timingsMs: number;
}

export interface InternalLayerResult {
  config: {
    attack: Attack['config'];
    /** Which radii were given: `rhos` (relative) or `epsilons` (absolute). */
    budget: 'relative' | 'absolute';
    /** The relative radii asked for (empty with absolute budgets). */
    rhos: number[];
    /** The absolute radii asked for (null with relative budgets). */
    epsilons: number[] | null;
    layers: number[];
    seed: Seed;
    batchSize: number;
    numExamples: number;
    backend: string;
  };
  cleanAccuracy: number;
  layers: LayerRobustness[];
  gradient: GradientReport;
  timings: { totalMs: number };
}

/** Layer k seen as a classifier of its own activity, so the one PGD loop attacks it. */
function layerAsClassifier(
  network: InternalLayerNetwork,
  k: number,
  activityShape: readonly number[],
): Classifier {
  return {
    inputShape: activityShape.slice(1),
    numClasses: network.numClasses,
    trainableVariables: [],
    predict: (zk) => network.predictFromLayer(k, zk),
  };
}

/** The radii given, checked: exactly one of `rhos` and `epsilons`, each finite and ≥ 0. */
function budgetOf(options: InternalLayerOptions): { budget: 'relative' | 'absolute'; radii: number[] } {
  if ((options.rhos === undefined) === (options.epsilons === undefined))
    throw new AttackConfigError(
      'give exactly one of rhos (relative budgets) and epsilons (absolute budgets)',
    );
  const budget = options.rhos !== undefined ? 'relative' : 'absolute';
  const radii = [...(options.rhos ?? options.epsilons!)];
  const symbol = budget === 'relative' ? 'ρ' : 'ε';
  if (radii.length === 0) throw new AttackConfigError(`no ${symbol} values to attack at`);
  for (const r of radii)
    if (!Number.isFinite(r) || r < 0)
      throw new AttackConfigError(`every ${symbol} must be finite and ≥ 0, got ${r}`);
  return { budget, radii };
}

/**
 * Internal-layer attacks (LIFTED §5): perturb z*_k by δ with ‖δ‖₂ ≤ ρ·mean‖z*_k‖₂ (relative
 * budget) or ‖δ‖₂ ≤ ε (absolute budget), propagate through the remaining layers, and report
 * accuracy per (layer, radius).
 */
export async function attackInternalLayers(
  network: InternalLayerNetwork,
  x: tf.Tensor,
  labels: LabelInput,
  options: InternalLayerOptions,
): Promise<InternalLayerResult> {
  const started = performance.now();
  const attack = options.attack ?? pgd({ norm: 'l2' });
  if (attackNorm(attack).name !== 'l2')
    throw new AttackConfigError(
      `internal-layer attacks are defined in L2; got an ${attackNorm(attack).name} attack`,
    );
  const { budget, radii } = budgetOf(options);
  const layers = [
    ...(options.layers ?? Array.from({ length: network.layerCount }, (_, i) => i + 1)),
  ];
  if (layers.length === 0) throw new AttackConfigError('no layers to attack');
  for (const k of layers) {
    if (!Number.isInteger(k) || k < 1 || k > network.layerCount) {
      throw new AttackInputError(`layer ${k} is not in 1..${network.layerCount}`);
    }
  }
  const n = x.shape[0]!;
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? n;
  const activities = network.activities(x);
  let cleanAccuracy = Number.NaN;
  try {
    if (activities.length !== network.layerCount) {
      throw new AttackInputError(
        `activities() returned ${activities.length} layers, layerCount is ${network.layerCount}`,
      );
    }
    const results: LayerRobustness[] = [];
    for (const k of layers) {
      const layerStarted = performance.now();
      const zk = activities[k - 1]!;
      const meanActivityNorm = tf.tidy(
        () => tf.mean(tf.sqrt(tf.sum(tf.square(tf.reshape(zk, [n, -1])), 1))).dataSync()[0]!,
      );
      const epsilons =
        budget === 'relative' ? radii.map((rho) => rho * meanActivityNorm) : [...radii];
      const rhos =
        budget === 'relative' ? [...radii] : radii.map((epsilon) => epsilon / meanActivityNorm);
      const result = await runAttack(
        layerAsClassifier(network, k, zk.shape),
        { x: zk, labels },
        attack,
        {
          epsilons,
          bounds: null,
          seed: `${String(seed)}/layer ${k}`,
          batchSize,
          returnAdversarials: false,
        },
      );
      cleanAccuracy = result.cleanAccuracy!;
      results.push({
        layer: k,
        meanActivityNorm,
        rhos,
        epsilons,
        robustAccuracy: result.robustAccuracy!,
        timingsMs: performance.now() - layerStarted,
      });
    }
    return {
      config: {
        attack: attack.config,
        budget,
        rhos: budget === 'relative' ? radii : [],
        epsilons: budget === 'absolute' ? radii : null,
        layers,
        seed,
        batchSize,
        numExamples: n,
        backend: tf.getBackend(),
      },
      cleanAccuracy,
      layers: results,
      gradient: gradientReport(network),
      timings: { totalMs: performance.now() - started },
    };
  } finally {
    tf.dispose(activities);
  }
}
