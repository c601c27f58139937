import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random } from '@liftguard/tensor';
import { runAttack } from '../run-attack.js';
import { AttackConfigError } from '../errors.js';
import { randomLinear, uniformInputs } from '../test-support/fixtures.js';
import { LinearClassifier } from '../test-support/linear-classifier.js';
import { TinyMlp } from '../test-support/tiny-mlp.js';
import { apgd, apgdTargeted } from './apgd.js';
import { checkpoints } from './apgd-schedule.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('APGD checkpoints', () => {
  it('are the paper’s p_j·N for N = 100: 0.22, then steps shrinking by 0.03 down to 0.06', () => {
    expect(checkpoints(100)).toEqual([22, 41, 57, 70, 80, 87, 93, 99]);
  });
  it('never have an empty interval for short runs', () => {
    expect(checkpoints(5)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('APGD runs', () => {
  it.each([
    ['l2', { norm: 'l2' }],
    ['l1', { norm: 'l1', epsilonSchedule: 'fixed' }],
  ] as const)('%s: are identical for the same seed and differ for another', async (_, options) => {
    const random = new Random('apgd seeds');
    const model = new TinyMlp([10, 16, 4], random);
    const inputs = uniformInputs(random, 8, 10);
    const labels = [0, 1, 2, 3, 0, 1, 2, 3];
    const run = async (seed: number) => {
      const result = await runAttack(
        model,
        { x: inputs.x, labels },
        apgd({ ...options, steps: 10 }),
        {
          epsilons: [options.norm === 'l1' ? 0.5 : 0.05],
          seed,
        },
      );
      const values = Array.from(result.raw[0]!.dataSync());
      tf.dispose([...result.raw, ...result.clipped]);
      return values;
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
    model.dispose();
    inputs.x.dispose();
  });

  it('with restarts and targets in batches leave no tensors behind', async () => {
    const random = new Random('apgd leaks');
    const model = new TinyMlp([10, 16, 6], random);
    const inputs = uniformInputs(random, 9, 10);
    const labels = [0, 1, 2, 3, 4, 5, 0, 1, 2];
    for (const attack of [
      apgd({ norm: 'linf', steps: 12, restarts: 3 }),
      apgdTargeted({ norm: 'l2', steps: 8, targetClasses: 3, restarts: 2 }),
      apgd({ norm: 'l1', steps: 12, restarts: 2 }),
      apgdTargeted({ norm: 'l1', steps: 8, targetClasses: 3, epsilonSchedule: 'fixed' }),
    ]) {
      const result = await assertNoLeaksAsync(() =>
        runAttack(model, { x: inputs.x, labels }, attack, {
          epsilons: [0.01, 0.3],
          batchSize: 4,
          returnAdversarials: false,
        }),
      );
      expect(result.raw).toEqual([]);
    }
    model.dispose();
    inputs.x.dispose();
  });

  it('reject unknown options and out-of-range values, naming them', () => {
    expect(() => apgd({ norm: 'linf', stepz: 3 } as never)).toThrow(/unknown option 'stepz'/);
    expect(() => apgd({ norm: 'linf', steps: 0 })).toThrow(
      /steps must be an integer in \[1, 100000\], got 0/,
    );
    expect(() => apgd({ norm: 'linf', rho: 1.5 })).toThrow(
      /rho must be a number in \(0, 1\], got 1.5/,
    );
    expect(() => apgd({ norm: 'linf', loss: 'margin' as never })).toThrow(
      /loss must be one of cross-entropy, dlr/,
    );
    expect(apgd({ norm: 'l1' }).config.epsilonSchedule).toBe('decreasing');
    expect(apgd({ norm: 'l1' }).config.rho).toBeUndefined();
    expect(apgd({ norm: 'l2' }).config.rho).toBe(0.75);
    expect(() => apgd({ norm: 'l1', rho: 0.5 })).toThrow(/rho applies to norms linf and l2 only, not l1/);
    expect(() => apgdTargeted({ norm: 'l1', rho: 0.75 })).toThrow(/rho applies to norms linf and l2 only, not l1/);
    expect(() => apgd({ norm: 'linf', epsilonSchedule: 'fixed' })).toThrow(/epsilonSchedule applies to norm l1 only, not linf/);
    expect(() => apgdTargeted({ norm: 'l1', epsilonSchedule: 'shrinking' as never })).toThrow(/epsilonSchedule must be one of decreasing, fixed/);
    expect(() => apgdTargeted({ norm: 'l2', targetClasses: 0 })).toThrow(AttackConfigError);
  });
});

describe('image-shaped inputs', () => {
  it.each(['linf', 'l2', 'l1'] as const)(
    '%s: [N, 6, 6, 1] inputs give the adversarials of the same inputs flattened',
    async (norm) => {
      const random = new Random(`apgd images ${norm}`);
      const flat = randomLinear(random, 36, 4);
      const image = new LinearClassifier(flat.weights, flat.bias, [6, 6, 1]);
      const inputs = uniformInputs(random, 6, 36);
      const images = tf.reshape(inputs.x, [6, 6, 6, 1]);
      const labels = [0, 1, 2, 3, 0, 1];
      const options = { epsilons: [0.05], seed: 9 };
      const a = await runAttack(flat, { x: inputs.x, labels }, apgd({ norm, steps: 15 }), options);
      const b = await runAttack(image, { x: images, labels }, apgd({ norm, steps: 15 }), options);
      expect(b.raw[0]!.shape).toEqual([6, 6, 6, 1]);
      const av = a.raw[0]!.dataSync();
      const bv = b.raw[0]!.dataSync();
      av.forEach((v, i) => expect(bv[i]).toBeCloseTo(v, 5));
      expect(b.success).toEqual(a.success);
      tf.dispose([...a.raw, ...a.clipped, ...b.raw, ...b.clipped, images, inputs.x]);
      flat.dispose();
      image.dispose();
    },
  );
});
