import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { apgd, apgdTargeted } from './apgd/apgd.js';
import { AttackAbortedError } from './errors.js';
import { fabTargeted } from './fab/fab.js';
import { square } from './square/square.js';
import { fgsm, pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { runAttacks } from './run-attacks.js';
import { TinyMlp } from './test-support/tiny-mlp.js';

let model: TinyMlp;
let x: tf.Tensor2D;
const labels = new Int32Array(400).map((_, i) => i % 5);

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('abort');
  model = new TinyMlp([64, 256, 256, 5], random);
  x = random.uniformTensor([400, 64], 0, 1) as tf.Tensor2D;
});

afterAll(() => {
  model.dispose();
  x.dispose();
});

/** Runs `start`, aborts after `afterMs`, and returns how long the run took to stop after the abort. */
async function stopLatency(start: (signal: AbortSignal) => Promise<unknown>, afterMs: number): Promise<number> {
  const controller = new AbortController();
  let abortedAt = 0;
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, afterMs);
  await expect(start(controller.signal)).rejects.toBeInstanceOf(AttackAbortedError);
  clearTimeout(timer);
  return performance.now() - abortedAt;
}

describe('stopping attacks with an AbortSignal', () => {
  it('runAttack stops between batches, well within a second, and keeps no tensors', async () => {
    await assertNoLeaksAsync(async () => {
      const latency = await stopLatency((signal) => runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 200 }), { epsilons: [0.1, 0.2, 0.3], batchSize: 8, signal, returnAdversarials: true }), 150);
      expect(latency).toBeLessThan(1000);
    });
  });

  it('runAttacks stops the same way mid-stage', async () => {
    await assertNoLeaksAsync(async () => {
      const latency = await stopLatency((signal) => runAttacks(model, { x, labels }, [fgsm(), pgd({ norm: 'linf', steps: 200 })], { epsilons: [0.05, 0.1], batchSize: 8, signal }), 150);
      expect(latency).toBeLessThan(1000);
    });
  });

  it('PGD stops between steps inside one long batch', async () => {
    await assertNoLeaksAsync(async () => {
      const latency = await stopLatency((signal) => runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 5000, restarts: 2 }), { epsilons: [0.1], batchSize: 400, signal }), 150);
      expect(latency).toBeLessThan(1000);
    });
  });

  it('APGD and APGD-T stop between steps too', async () => {
    await assertNoLeaksAsync(async () => {
      for (const attack of [apgd({ norm: 'linf', steps: 5000 }), apgdTargeted({ norm: 'l2', steps: 5000, targetClasses: 3 })]) {
        const latency = await stopLatency((signal) => runAttack(model, { x, labels }, attack, { epsilons: [0.1], batchSize: 400, signal }), 150);
        expect(latency).toBeLessThan(1000);
      }
    });
  });

  it('Square and FAB-T stop between queries and steps inside one long batch', async () => {
    await assertNoLeaksAsync(async () => {
      for (const attack of [square({ norm: 'linf', queries: 100_000 }), fabTargeted({ norm: 'linf', steps: 100_000, targetClasses: 4 })]) {
        const latency = await stopLatency((signal) => runAttack(model, { x, labels }, attack, { epsilons: [0.05], batchSize: 400, signal }), 150);
        expect(latency).toBeLessThan(1000);
      }
    });
  });

  it('an already-aborted signal stops before any work', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runAttack(model, { x, labels }, fgsm(), { epsilons: [0.1], signal: controller.signal })).rejects.toBeInstanceOf(AttackAbortedError);
  });
});
