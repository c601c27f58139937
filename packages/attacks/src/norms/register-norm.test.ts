import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@liftguard/tensor';
import { norms, normStrategy, registerNorm } from './registry.js';
import { linfNorm } from './linf.js';
import type { NormStrategy } from './norm-strategy.js';
import { attackNorm } from '../attack.js';
import { pgd } from '../pgd.js';
import { runAttack } from '../run-attack.js';
import { LinearClassifier } from '../test-support/linear-classifier.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** A norm added the way a downstream package would: one object, one register call. */
const chebyshev: NormStrategy = {
  ...linfNorm,
  name: 'chebyshev',
  label: 'Chebyshev',
  description: 'L∞ under another name (test norm)',
};

describe('registerNorm', () => {
  it('adds a norm every attack and runner can use, with the same results as the strategy it copies', async () => {
    registerNorm(chebyshev);
    expect(() => registerNorm(chebyshev)).toThrow(/a norm named 'chebyshev' is already registered/);
    expect(norms.names()).toEqual(['linf', 'l2', 'l1', 'chebyshev']);
    expect(normStrategy('chebyshev').label).toBe('Chebyshev');
    const model = new LinearClassifier(
      [
        [1, -1],
        [2, 0.5],
      ],
      [0, 0.2],
    );
    const x = tf.tensor2d([
      [0.3, 0.6],
      [0.8, 0.1],
    ]);
    const run = (norm: string) =>
      runAttack(model, { x, labels: [0, 1] }, pgd({ norm, steps: 5 }), { epsilons: [0.05, 0.2], seed: 3 });
    const [own, copied] = [await run('chebyshev'), await run('linf')];
    expect(attackNorm(pgd({ norm: 'chebyshev' })).name).toBe('chebyshev');
    expect(own.config.attack.norm).toBe('chebyshev');
    own.clipped.forEach((c, e) => expect(Array.from(c.dataSync())).toEqual(Array.from(copied.clipped[e]!.dataSync())));
    expect(own.robustAccuracy).toEqual(copied.robustAccuracy);
    tf.dispose([x, ...own.raw, ...own.clipped, ...copied.raw, ...copied.clipped]);
    model.dispose();
  });

  it('carries a label and a default ε list for every built-in norm', () => {
    expect(norms.entries().slice(0, 3).map((n) => [n.name, n.label, n.defaultEpsilons])).toEqual([
      ['linf', 'L∞', [0.05, 0.1, 0.2, 0.3]],
      ['l2', 'L2', [0.5, 1, 2]],
      ['l1', 'L1', [5, 10, 20]],
    ]);
  });
});
