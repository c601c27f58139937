import type * as tf from '@tensorflow/tfjs-core';
import { resolveLayerWeights, validateNetwork, type LiftedNetwork } from '@liftguard/potentials';
import { resolveOutputLoss } from './output-loss.js';
import type { SolveOptions } from './solve-options.js';
import { assertStableOutput, stateCoefficients } from './state-coefficients.js';

/** Checks every option of `solveActivities` and fills in the defaults; throws before any tensor is made. */
export function resolveSolveOptions(network: LiftedNetwork, input: tf.Tensor2D, options: SolveOptions) {
  validateNetwork(network);
  const L = network.layers.length;
  const kind = options.state ?? 'free';
  const gamma = resolveLayerWeights(network, options.gamma ?? 1);
  const coefficients = stateCoefficients(kind, options.beta, options.alpha ?? 1);
  assertStableOutput(gamma[L - 1]!, coefficients);
  const loss = resolveOutputLoss(options.loss);
  const rounds = positiveInteger(options.rounds ?? 15, 'rounds', true);
  const outputIterations = positiveInteger(options.outputIterations ?? 5, 'outputIterations');
  const powerIterations = positiveInteger(options.powerIterations ?? 3, 'powerIterations');
  const coldPowerIterations = positiveInteger(options.coldPowerIterations ?? 20, 'coldPowerIterations');
  const margin = options.curvatureMargin ?? 1.1;
  if (!(margin >= 1) || !Number.isFinite(margin)) throw new Error(`curvatureMargin must be a finite number ≥ 1, got ${margin}`);
  const tolerance = options.tolerance;
  if (tolerance !== undefined && !(tolerance > 0)) throw new Error(`tolerance must be > 0, got ${tolerance}`);
  const schedule = options.schedule ?? 'top-down';
  const recordObjective = (options.trace ?? 'objective') === 'objective';
  if (options.trace !== undefined && options.trace !== 'objective' && options.trace !== 'changes') {
    throw new Error(`trace must be 'objective' or 'changes', got '${String(options.trace)}'`);
  }
  if (input.rank !== 2 || input.shape[1] !== network.inputSize) {
    throw new Error(`input must be [B, ${network.inputSize}], got [${input.shape}]`);
  }
  const batch = input.shape[0];
  const classes = network.layers[L - 1]!.map.outputSize;
  if (options.initial !== undefined) {
    const sizes = network.layers.map((l) => l.map.outputSize);
    const ok = options.initial.length === L && options.initial.every((z, i) => z.rank === 2 && z.shape[0] === batch && z.shape[1] === sizes[i]);
    if (!ok) throw new Error(`initial activities must be ${L} tensors of shapes ${sizes.map((n) => `[${batch}, ${n}]`).join(', ')}`);
  }
  if (options.initialPreActivations !== undefined) {
    if (options.initial === undefined) throw new Error('initialPreActivations needs the initial activities they were computed at');
    const sizes = network.layers.map((l) => l.map.outputSize);
    const ok = options.initialPreActivations.length === L && options.initialPreActivations.every((a, i) => a.rank === 2 && a.shape[0] === batch && a.shape[1] === sizes[i]);
    if (!ok) throw new Error(`initial pre-activations must be ${L} tensors of shapes ${sizes.map((n) => `[${batch}, ${n}]`).join(', ')}`);
  }
  const needsLabels =
    coefficients.minus !== 0 || coefficients.target === 'label' || (coefficients.target === 'wrong-class' && options.target === undefined);
  if (needsLabels && options.labels === undefined) throw new Error(`the ${kind} state needs labels`);

  return {
    L,
    kind,
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
  };
}

function positiveInteger(value: number, name: string, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new Error(`${name} must be an integer ≥ ${allowZero ? 0 : 1}, got ${value}`);
  }
  return value;
}
