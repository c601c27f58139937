import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { fgsm, pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { runAttacks } from './run-attacks.js';
import { TinyMlp } from './test-support/tiny-mlp.js';

let model: TinyMlp;
let x: tf.Tensor2D;
const labels = new Int32Array(90).map((_, i) => i % 4);

beforeAll(async () => {
  await initBackend({ quiet: true });
  const random = new Random('shards');
  model = new TinyMlp([16, 24, 4], random);
  x = random.uniformTensor([90, 16], 0, 1) as tf.Tensor2D;
});

afterAll(() => {
  model.dispose();
  x.dispose();
});

/** Runs `run` on the whole set and on shards of whole batches, and returns both per-example outcomes. */
async function wholeAndShards(run: (inputs: { x: tf.Tensor; labels: Int32Array }, offset: number) => Promise<{ adversarialPredictions: Int32Array[] }>, cuts: number[]) {
  const whole = (await run({ x, labels }, 0)).adversarialPredictions;
  const pieces: Int32Array[][] = [];
  for (let s = 0; s + 1 < cuts.length; s++) {
    const [start, end] = [cuts[s]!, cuts[s + 1]!];
    const xs = tf.slice(x, start, end - start);
    pieces.push((await run({ x: xs, labels: labels.subarray(start, end) }, start)).adversarialPredictions);
    xs.dispose();
  }
  const merged = whole.map((_, e) => Int32Array.from(pieces.flatMap((p) => Array.from(p[e]!))));
  return { whole, merged };
}

describe('shards (exampleOffset)', () => {
  it('runAttack over shards of whole batches equals the unsharded run, example for example', async () => {
    await assertNoLeaksAsync(async () => {
      const attack = pgd({ norm: 'linf', steps: 5, restarts: 2 });
      const { whole, merged } = await wholeAndShards((inputs, exampleOffset) => runAttack(model, inputs, attack, { epsilons: [0.05, 0.2], batchSize: 20, seed: 3, exampleOffset, returnAdversarials: false, goal: { kind: 'targeted', target: 'random-wrong' } }), [0, 40, 80, 90]);
      expect(merged).toEqual(whole);
    });
  });

  it('runAttacks (survivors, stage by stage) over shards equals the unsharded run', async () => {
    await assertNoLeaksAsync(async () => {
      const attacks = [fgsm(), pgd({ norm: 'linf', steps: 5 })];
      const { whole, merged } = await wholeAndShards((inputs, exampleOffset) => runAttacks(model, inputs, attacks, { epsilons: [0.05, 0.2], batchSize: 20, seed: 4, exampleOffset, returnAdversarials: false }), [0, 20, 60, 90]);
      expect(merged).toEqual(whole);
    });
  });

  it('refuses an offset that is not a multiple of the batch size', async () => {
    await expect(runAttack(model, { x, labels }, fgsm(), { epsilons: [0.1], batchSize: 20, exampleOffset: 30 })).rejects.toThrow(/exampleOffset must be a non-negative multiple of batchSize \(20\), got 30/);
  });
});
