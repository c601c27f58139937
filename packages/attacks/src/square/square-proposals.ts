import type { Random } from '@liftguard/tensor';
import type { Bounds } from '../bounds.js';
import { pixelIndex, type ImageLayout } from './image-layout.js';
import { pseudoGaussianSquare } from './pseudo-gaussian.js';

/** Everything a proposal needs about one example; rows are flat NHWC values. */
export interface SquareContext {
  layout: ImageLayout;
  epsilon: number;
  bounds: Bounds;
  random: Random;
}

export const randomSign = (random: Random) => (random.next() < 0.5 ? -1 : 1);

function clip(value: number, bounds: Bounds): number {
  return bounds === null ? value : Math.min(Math.max(value, bounds[0]), bounds[1]);
}

/** A random top-left corner for a side×side square, uniform over all positions (the paper's). */
export function corner(context: SquareContext, side: number): [number, number] {
  const { height, width } = context.layout;
  return [context.random.int(height - side + 1), context.random.int(width - side + 1)];
}

/** L∞ start: vertical stripes, every column of every channel at x ± ε. */
export function linfStart(x: Float32Array, out: Float32Array, context: SquareContext): void {
  const { layout, epsilon, bounds } = context;
  for (let column = 0; column < layout.width; column++)
    for (let channel = 0; channel < layout.channels; channel++) {
      const step = epsilon * randomSign(context.random);
      for (let row = 0; row < layout.height; row++) {
        const i = pixelIndex(layout, row, column, channel);
        out[i] = clip(x[i]! + step, bounds);
      }
    }
}

/**
 * L∞ proposal: the best point with one side×side square moved by ±2ε per channel, then back
 * into the ε-box and the bounds (so the square sits at x ± ε).
 */
export function linfProposal(
  x: Float32Array,
  best: Float32Array,
  out: Float32Array,
  side: number,
  context: SquareContext,
): void {
  const { layout, epsilon, bounds } = context;
  out.set(best);
  const [top, left] = corner(context, side);
  for (let channel = 0; channel < layout.channels; channel++) {
    const step = 2 * epsilon * randomSign(context.random);
    for (let row = top; row < top + side; row++)
      for (let column = left; column < left + side; column++) {
        const i = pixelIndex(layout, row, column, channel);
        const moved = Math.min(Math.max(best[i]! + step, x[i]! - epsilon), x[i]! + epsilon);
        out[i] = clip(moved, bounds);
      }
  }
}

function l2Norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** x + ε·δ/‖δ‖₂, clipped to the bounds (the reference's rescaling to the sphere). */
function onSphere(x: Float32Array, delta: Float64Array, out: Float32Array, context: SquareContext) {
  const scale = context.epsilon / (l2Norm(delta) + 1e-12);
  for (let i = 0; i < x.length; i++) out[i] = clip(x[i]! + delta[i]! * scale, context.bounds);
}

/**
 * The L2 and L1 starts' δ: a grid of pseudo-Gaussian squares of side ⌊h/5⌋ (unit norm in
 * `norm`), with a random sign per square and channel.
 */
export function squareGrid(length: number, context: SquareContext, norm: 'l2' | 'l1'): Float64Array {
  const { layout } = context;
  const side = Math.max(Math.floor(layout.height / 5), 1);
  const offset = Math.floor((layout.height - side * 5) / 2);
  const delta = new Float64Array(length);
  for (let r = 0, top = offset; r < Math.floor(layout.height / side); r++, top += side)
    for (let c = 0, left = offset; c < Math.floor(layout.width / side); c++, left += side) {
      const square = pseudoGaussianSquare(side, context.random, norm);
      for (let channel = 0; channel < layout.channels; channel++) {
        const sign = randomSign(context.random);
        for (let row = top; row < Math.min(top + side, layout.height); row++)
          for (let column = left; column < Math.min(left + side, layout.width); column++) {
            const i = pixelIndex(layout, row, column, channel);
            delta[i] = delta[i]! + sign * square[(row - top) * side + (column - left)]!;
          }
      }
    }
  return delta;
}

/** L2 start: the grid of pseudo-Gaussian squares, rescaled to the ε-sphere. */
export function l2Start(x: Float32Array, out: Float32Array, context: SquareContext): void {
  onSphere(x, squareGrid(x.length, context, 'l2'), out, context);
}

/**
 * L2 proposal (reference code): the mass of δ in two squares W1, W2 is moved into W1 as a fresh
 * pseudo-Gaussian square plus the old W1 direction, per channel; W2 is zeroed; the result is
 * rescaled to the ε-sphere and clipped.
 */
export function l2Proposal(
  x: Float32Array,
  best: Float32Array,
  out: Float32Array,
  side: number,
  context: SquareContext,
): void {
  const { layout, epsilon } = context;
  const delta = Float64Array.from(best, (v, i) => v - x[i]!);
  const imageNorm = l2Norm(delta);
  const [top1, left1] = corner(context, side);
  const [top2, left2] = corner(context, side);
  const square = pseudoGaussianSquare(side, context.random);
  const fresh: Float64Array[] = [];
  for (let channel = 0; channel < layout.channels; channel++) {
    const masses = windowMasses(delta, layout, channel, [top1, left1], [top2, left2], side, (v) => v * v);
    const firstNorm = Math.sqrt(masses.first);
    const unionNorm = Math.sqrt(masses.union);
    const sign = randomSign(context.random);
    const values = new Float64Array(side * side);
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) {
        const old = delta[pixelIndex(layout, top1 + r, left1 + c, channel)]!;
        values[r * side + c] = square[r * side + c]! * sign + old / (1e-12 + firstNorm);
      }
    const target = Math.sqrt(
      Math.max(epsilon * epsilon - imageNorm * imageNorm, 0) / layout.channels +
        unionNorm * unionNorm,
    );
    const scale = target / (1e-12 + l2Norm(values));
    for (let i = 0; i < values.length; i++) values[i] = values[i]! * scale;
    fresh.push(values);
  }
  for (let channel = 0; channel < layout.channels; channel++)
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++) delta[pixelIndex(layout, top2 + r, left2 + c, channel)] = 0;
  for (let channel = 0; channel < layout.channels; channel++)
    for (let r = 0; r < side; r++)
      for (let c = 0; c < side; c++)
        delta[pixelIndex(layout, top1 + r, left1 + c, channel)] = fresh[channel]![r * side + c]!;
  onSphere(x, delta, out, context);
}

/** Σ f(δ) over one channel of the square at `first` and over the union of both squares (side × side each). */
export function windowMasses(
  delta: Float64Array,
  layout: ImageLayout,
  channel: number,
  first: [number, number],
  second: [number, number],
  side: number,
  f: (v: number) => number,
): { first: number; union: number } {
  const inside = ([top, left]: [number, number], r: number, c: number) => r >= top && r < top + side && c >= left && c < left + side;
  let inFirst = 0;
  let union = 0;
  for (let row = 0; row < layout.height; row++)
    for (let column = 0; column < layout.width; column++) {
      const isFirst = inside(first, row, column);
      if (!isFirst && !inside(second, row, column)) continue;
      const v = f(delta[pixelIndex(layout, row, column, channel)]!);
      union += v;
      if (isFirst) inFirst += v;
    }
  return { first: inFirst, union };
}
