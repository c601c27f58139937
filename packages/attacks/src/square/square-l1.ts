// Square Attack in L1, as the reference code (fra31/auto-attack square.py) runs it: the L2
// version's squares with L1 weights and norms, and the exact projection onto the L1 ball
// intersected with the bounds in place of the rescaling to the sphere.
import { L1BoxProjection } from '../norms/l1-box-projection.js';
import { pixelIndex } from './image-layout.js';
import { pseudoGaussianSquare } from './pseudo-gaussian.js';
import { corner, randomSign, squareGrid, windowMasses, type SquareContext } from './square-proposals.js';

// The reference projects onto a radius a hair inside ε, so rounding never leaves the ball.
const inside = 1 - 1e-6;

const projections = new Map<number, L1BoxProjection>();

/** x + δ projected onto the L1 ball of radius ε(1 − 10⁻⁶) around x within the bounds, into `out`. */
function projected(x: Float32Array, delta: Float64Array, out: Float32Array, context: SquareContext): void {
  const width = x.length;
  if (!projections.has(width)) projections.set(width, new L1BoxProjection(width));
  for (let i = 0; i < width; i++) out[i] = x[i]! + delta[i]!;
  const [low, high] = context.bounds ?? [-Infinity, Infinity];
  projections.get(width)!.project(out, x, 0, inside * context.epsilon, low, high, out);
}

/** L1 start: the grid of L1 squares, projected into the ball. */
export function l1Start(x: Float32Array, out: Float32Array, context: SquareContext): void {
  projected(x, squareGrid(x.length, context, 'l1'), out, context);
}

/**
 * L1 proposal (reference code): per channel, the square W1 gets a fresh L1 square with a random
 * sign plus the old W1 direction, scaled to the L1 mass δ had in W1 ∪ W2 plus an equal share of
 * the budget ε − ‖δ‖₁ left (times the channel count, as the reference); W2 is zeroed; then the
 * projection onto the ball within the bounds.
 */
export function l1Proposal(x: Float32Array, best: Float32Array, out: Float32Array, side: number, context: SquareContext): void {
  const { layout, epsilon } = context;
  const delta = Float64Array.from(best, (v, i) => v - x[i]!);
  const imageNorm = delta.reduce((s, v) => s + Math.abs(v), 0);
  const [top1, left1] = corner(context, side);
  const [top2, left2] = corner(context, side);
  const square = pseudoGaussianSquare(side, context.random, 'l1');
  const fresh: Float64Array[] = [];
  for (let channel = 0; channel < layout.channels; channel++) {
    const { first: firstNorm, union: unionNorm } = windowMasses(delta, layout, channel, [top1, left1], [top2, left2], side, Math.abs);
    const sign = randomSign(context.random);
    const values = new Float64Array(side * side);
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) values[r * side + c] = square[r * side + c]! * sign + delta[pixelIndex(layout, top1 + r, left1 + c, channel)]! / (1e-12 + firstNorm);
    const target = (Math.max(epsilon - imageNorm, 0) / layout.channels + unionNorm) * layout.channels;
    const scale = target / (1e-12 + values.reduce((s, v) => s + Math.abs(v), 0));
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * scale;
    fresh.push(values);
  }
  for (let channel = 0; channel < layout.channels; channel++)
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) delta[pixelIndex(layout, top2 + r, left2 + c, channel)] = 0;
  for (let channel = 0; channel < layout.channels; channel++)
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) delta[pixelIndex(layout, top1 + r, left1 + c, channel)] = fresh[channel]![r * side + c]!;
  projected(x, delta, out, context);
}
