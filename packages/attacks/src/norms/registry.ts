import * as tf from '@tensorflow/tfjs-core';
import { Registry } from '@liftguard/tensor';
import { AttackConfigError } from '../errors.js';
import { l1Norm } from './l1.js';
import { l2Norm } from './l2.js';
import { linfNorm } from './linf.js';
import type { BuiltInNormName, NormName, NormStrategy } from './norm-strategy.js';

/** Every norm attacks can use, by name; the built-ins go through the same `register`. */
export const norms = new Registry<NormStrategy>({
  kind: 'norm',
  error: (message) => new AttackConfigError(message),
  initial: [linfNorm, l2Norm, l1Norm],
});

/** The strategy object for a norm name; an unknown name is an error that lists the known ones. */
export function normStrategy(name: NormName): NormStrategy {
  return norms.get(name);
}

/** Adds a norm from outside the package; it then works in every attack and runner. */
export function registerNorm(norm: NormStrategy): void {
  norms.register(norm);
}

/** Names of the built-in norms (`norms.names()` also lists registered ones). */
export const normNames: readonly BuiltInNormName[] = ['linf', 'l2', 'l1'];

/** The distance ‖b − a‖ per example in a norm, shape [N] (caller owns). */
export function normDistance(norm: NormName | NormStrategy, a: tf.Tensor, b: tf.Tensor): tf.Tensor1D {
  const strategy = typeof norm === 'string' ? normStrategy(norm) : norm;
  return tf.tidy(() => strategy.norms(tf.sub(b, a)));
}
