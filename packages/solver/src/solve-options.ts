import type * as tf from '@tensorflow/tfjs-core';
import type { LayerWeights } from '@liftguard/potentials';
import type { Seed } from '@liftguard/tensor';
import type { Damping } from './damping.js';
import type { OutputLoss, OutputLossName } from './output-loss.js';
import type { Schedule } from './schedule.js';
import type { SpectralEstimates } from './spectral-estimates.js';
import type { StateKind } from './state-coefficients.js';

/** What `solveActivities` accepts (its own file, so the solver and the option resolver both read it). */
export interface SolveOptions {
  /** Which state (LIFTED.md §2); default 'free'. */
  state?: StateKind;
  /** y: class indices [B] or one-hot [B, n_L]; needed by every state but 'free'. */
  labels?: tf.Tensor;
  /** t for the targeted states; default: the highest-scoring wrong class at the initial logits. */
  target?: tf.Tensor;
  /** β > 0 for nudged, adversarial and targeted-adversarial states. */
  beta?: number;
  /** α > 0 of the targeted states (Ψ = U^γ + αℓ_t − αβℓ_y); default 1. */
  alpha?: number;
  /** Layer weights γ (one number or one per layer); default 1. */
  gamma?: LayerWeights;
  /** Output loss ℓ; default 'squared'. */
  loss?: OutputLossName | OutputLoss;
  /** Round count, or the cap when `tolerance` is set; default 15. */
  rounds?: number;
  /** Stop once max_k max |Δz_k| ≤ tolerance after a round. */
  tolerance?: number;
  /** Layer order per round; default 'top-down'. */
  schedule?: Schedule;
  /** Hidden-update damping; default 'majorize'. */
  damping?: Damping;
  /** Factor on κσ̂² for 'majorize', ≥ 1 to cover the power iteration's underestimate; default 1.1. */
  curvatureMargin?: number;
  /** Majorization steps of the output update for non-quadratic losses; default 5. */
  outputIterations?: number;
  /** What each round records: 'objective' (default: Ψ, per-layer energies and max |Δz|) or 'changes' (max |Δz| only, cheaper). */
  trace?: 'objective' | 'changes';
  /** Starting activities z_1..z_L (not disposed); default the forward pass. */
  initial?: readonly tf.Tensor2D[];
  /**
   * a_k = map_k(z_{k−1}) at `initial` (not disposed; only with `initial`), when the caller already
   * has them (e.g. from its forward pass): the solve then starts without the maps' forward products.
   */
  initialPreActivations?: readonly tf.Tensor2D[];
  /** Also return the pre-activations at the solution (`ActivitySolution.preActivations`); default false. */
  keepPreActivations?: boolean;
  /** Warm-start cache for σ̂ (owned by the caller); default a fresh one per call. */
  spectral?: SpectralEstimates;
  /** Power iterations per solve from a warm start; default 3 (the authors'). */
  powerIterations?: number;
  /** Power iterations from a cold start; default 20. */
  coldPowerIterations?: number;
  /** Seed of the cold-start vectors when no `spectral` cache is given; default 0. */
  seed?: Seed;
}
