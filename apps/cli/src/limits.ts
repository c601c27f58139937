import { freemem } from 'node:os';
import { UsageError } from './errors.js';

/**
 * Upper bounds on what one flag can ask for, so that a typo (`--steps 1e12`) cannot ask for
 * hours or gigabytes; `--allow-large` lifts them (the memory estimate still applies).
 */
export const flagLimits: Readonly<Record<string, number>> = {
  steps: 10_000,
  'adv-steps': 10_000,
  restarts: 100,
  epochs: 10_000,
  'batch-size': 65_536,
  rounds: 1_000,
  iterations: 10_000,
  count: 1_000_000,
  examples: 64,
  'per-class': 100_000,
  'pool-size': 1_000_000,
  'clean-size': 1_000_000,
  'selection-size': 1_000_000,
  'train-size': 10_000_000,
  'validation-size': 10_000_000,
  'test-size': 10_000_000,
};

/** The widest layer `--widths` accepts without `--allow-large`. */
export const maxLayerWidth = 16_384;

/** Seeds are unsigned 32-bit integers (xoshiro128** takes 32 bits; larger values would collide). */
export const maxSeed = 2 ** 32 - 1;

/** The limit of a flag, or a UsageError that names the flag, the value and the way past it. */
export function checkFlagLimit(name: string, value: number, allowLarge: boolean): void {
  const limit = flagLimits[name];
  if (limit === undefined || allowLarge || value <= limit) return;
  throw new UsageError(`--${name} ${value} is above the limit ${limit}; pass --allow-large to go beyond it`);
}

/** Bytes a dense model of these widths needs while training: weights, gradients and two Adam moments in float32. */
export function trainingBytes(widths: readonly number[]): number {
  let parameters = 0;
  for (let i = 0; i + 1 < widths.length; i++) parameters += widths[i]! * widths[i + 1]! + widths[i + 1]!;
  return parameters * 4 * 4;
}

/** Refuses a model whose estimated memory exceeds what the machine has free, with both numbers. */
export function checkFitsInMemory(what: string, bytes: number, available = freemem()): void {
  if (bytes <= available) return;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new UsageError(`${what} needs about ${gib(bytes)} GiB but ${gib(available)} GiB of memory is free`);
}
