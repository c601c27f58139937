import { AttackConfigError } from '../errors.js';
import { integerOption, realOption, rejectUnknownOptions } from '../options/checked-options.js';
import { checkedImageShape } from './image-layout.js';

/** Options of `square`; every field but `norm` has the reference code's default. */
export interface SquareOptions {
  norm: 'linf' | 'l2' | 'l1';
  /** Model queries per example and restart, counting the start point (default 5000). */
  queries?: number;
  /** Fraction of the image the first squares cover (default 0.8). */
  pInit?: number;
  /** Runs on the examples still robust after the previous ones (default 1). */
  restarts?: number;
  /** How to read flat inputs as images, [height, width, channels] (default: inferred). */
  imageShape?: [number, number, number];
}

export type ResolvedSquareConfig = {
  attack: 'square';
  norm: 'linf' | 'l2' | 'l1';
  queries: number;
  pInit: number;
  restarts: number;
  loss: 'margin';
  imageShape?: [number, number, number];
};

export function resolveSquareConfig(options: SquareOptions): ResolvedSquareConfig {
  const name = 'square';
  if (options === null || typeof options !== 'object')
    throw new AttackConfigError(`${name}: options must be an object with at least a norm`);
  rejectUnknownOptions(name, options, ['norm', 'queries', 'pInit', 'restarts', 'imageShape']);
  if (options.norm !== 'linf' && options.norm !== 'l2' && options.norm !== 'l1')
    throw new AttackConfigError(
      `${name}: norm must be one of linf, l2, l1, got ${JSON.stringify(options.norm)}`,
    );
  const imageShape = checkedImageShape(options.imageShape);
  return {
    attack: 'square',
    norm: options.norm,
    queries: integerOption(name, 'queries', options.queries, 5000, 1, 10_000_000),
    pInit: realOption(name, 'pInit', options.pInit, 0.8, 0, 1),
    restarts: integerOption(name, 'restarts', options.restarts, 1, 1, 1000),
    loss: 'margin',
    ...(imageShape ? { imageShape } : {}),
  };
}
