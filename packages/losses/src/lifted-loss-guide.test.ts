// docs/losses.md "Write a lifted loss" as a test: the guide's code block is this test's
// support file, letter for letter, and the loss it defines is checked against built-in AROVR.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { createLoss, registerLoss } from '@liftguard/losses';
import { annealedArovr } from './test-support/annealed-arovr.js';
import { tinyProblem } from './test-support/tiny.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

const options = { beta: 0.4, rounds: 5 };

function computeOnce(name: string, extra: Record<string, unknown>, steps: number) {
  const { model, batch, dispose } = tinyProblem(5);
  try {
    // Through the public entry point, where the guide's loss is registered.
    const loss = createLoss(name, { ...options, ...extra });
    let out = loss.compute(model, batch);
    for (let i = 1; i < steps; i++) {
      tf.dispose(Object.values(out.grads));
      out = loss.compute(model, batch);
    }
    // Variable names differ between models: compare gradients in the model's variable order.
    const grads = model.trainableVariables.map((v) => Array.from(out.grads[v.name]!.dataSync()));
    tf.dispose(Object.values(out.grads));
    loss.dispose?.();
    return { value: out.value, grads };
  } finally {
    dispose();
  }
}

describe('write a lifted loss (docs/losses.md)', () => {
  it('is the code block of the guide', () => {
    const doc = readFileSync(new URL('../../../docs/losses.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Write a lifted loss'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const source = readFileSync(new URL('./test-support/annealed-arovr.ts', import.meta.url), 'utf8');
    expect(block).toBe(source);
  });

  it('registers, and with decay 1 equals built-in AROVR in value and gradient', () => {
    registerLoss(annealedArovr);
    const annealed = assertNoLeaks(() => computeOnce('arovr-annealed', { decay: 1 }, 2));
    const builtIn = computeOnce('arovr', {}, 2);
    expect(annealed.value).toBeCloseTo(builtIn.value, 6);
    expect(annealed.grads.length).toBe(builtIn.grads.length);
    builtIn.grads.forEach((g, k) => g.forEach((v, i) => expect(annealed.grads[k]![i]!).toBeCloseTo(v, 6)));
  });

  it('uses β·decay on the second batch: the value of built-in AROVR at that β', () => {
    const second = computeOnce('arovr-annealed', { decay: 0.5 }, 2);
    const reference = computeOnce('arovr', { beta: options.beta * 0.5 }, 1);
    expect(second.value).toBeCloseTo(reference.value, 5);
  });

  it('validates its own option and rejects unknown ones', () => {
    expect(() => createLoss('arovr-annealed', { decay: 1.5 })).toThrow(/decay must be in \(0, 1\], got 1.5/);
    expect(() => createLoss('arovr-annealed', { decy: 0.5 })).toThrow(/unknown option\(s\) decy/);
  });
});
