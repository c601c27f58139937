import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, type Classifier } from '@liftguard/tensor';
import { AttackConfigError, AttackInputError } from './errors.js';
import { pgd } from './pgd.js';
import { runAttack } from './run-attack.js';
import { LinearClassifier } from './test-support/linear-classifier.js';

let model: LinearClassifier;
let x: tf.Tensor2D;

beforeAll(async () => {
  await initBackend({ quiet: true });
  model = new LinearClassifier(
    [
      [1, -1],
      [2, 0],
      [0, 1],
    ],
    [0, 0.5],
  );
  x = tf.tensor2d([
    [0.1, 0.2, 0.3],
    [0.9, 0.5, 0.1],
  ]);
});
afterAll(() => {
  model.dispose();
  x.dispose();
});

const attack = pgd({ norm: 'linf', steps: 2 });
const run = (
  inputs: Parameters<typeof runAttack>[1],
  options: Partial<Parameters<typeof runAttack>[3]> = {},
  m: Classifier = model,
) => runAttack(m, inputs, attack, { epsilons: [0.1], returnAdversarials: false, ...options });

describe('clear errors', () => {
  it('for impossible configurations', () => {
    expect(() => pgd({ norm: 'linf', steps: 0 })).toThrow(
      new AttackConfigError('steps must be a positive integer, got 0'),
    );
    expect(() => pgd({ norm: 'linf', restarts: 1.5 })).toThrow(
      /restarts must be a positive integer/,
    );
    expect(() => pgd({ norm: 'linf', stepSize: { absolute: -1 } })).toThrow(
      /stepSize must be a positive finite number/,
    );
    expect(() => pgd({ norm: 'l0' as never })).toThrow(/unknown norm 'l0'/);
    expect(() => pgd({ norm: 'l2', loss: 'hinge' as never })).toThrow(/unknown loss 'hinge'/);
  });

  it('for ε < 0, NaN ε, an empty ε list and bad bounds', async () => {
    await expect(run({ x, labels: [0, 1] }, { epsilons: [0.1, -0.01] })).rejects.toThrow(
      /every ε must be a finite number ≥ 0, got -0.01/,
    );
    await expect(run({ x, labels: [0, 1] }, { epsilons: [Number.NaN] })).rejects.toThrow(
      AttackConfigError,
    );
    await expect(run({ x, labels: [0, 1] }, { epsilons: [] })).rejects.toThrow(/non-empty/);
    await expect(run({ x, labels: [0, 1] }, { bounds: [1, 0] })).rejects.toThrow(/low < high/);
  });

  it('for wrong shapes, NaN inputs and inputs outside the bounds, without leaking', async () => {
    const wide = tf.zeros([2, 4]);
    const flat = tf.zeros([3]);
    const nan = tf.tensor2d([
      [0.1, Number.NaN, 0.3],
      [0, 0, 0],
    ]);
    const big = tf.tensor2d([
      [0.1, 1.5, 0.3],
      [0, 0, 0],
    ]);
    await assertNoLeaksAsync(async () => {
      await expect(run({ x: wide, labels: [0, 1] })).rejects.toThrow(
        new AttackInputError('x has shape [2, 4] but the model expects [N, 3]'),
      );
      await expect(run({ x: flat, labels: [0, 1] })).rejects.toThrow(AttackInputError);
      await expect(run({ x: nan, labels: [0, 1] })).rejects.toThrow(/1 NaN or infinite value/);
      await expect(run({ x: big, labels: [0, 1] })).rejects.toThrow(/outside the bounds \[0, 1\]/);
    });
    tf.dispose([wide, flat, nan, big]);
  });

  it('for labels out of range, non-integer, of the wrong length, or missing', async () => {
    await expect(run({ x, labels: [0, 2] })).rejects.toThrow(
      new AttackInputError('labels[1] = 2 is not a class index in [0, 2)'),
    );
    await expect(run({ x, labels: [0, 0.5] })).rejects.toThrow(/labels\[1\] = 0.5/);
    await expect(run({ x, labels: [0] })).rejects.toThrow(
      /labels has 1 entries but x has 2 examples/,
    );
    await expect(run({ x })).rejects.toThrow(/needs inputs.labels/);
    await expect(
      run({ x, labels: [0, 1] }, { goal: { kind: 'targeted', target: 'given' } }),
    ).rejects.toThrow(/needs inputs.targets/);
    await expect(
      run({ x, labels: [0, 1], targets: [0, -1] }, { goal: { kind: 'targeted', target: 'given' } }),
    ).rejects.toThrow(/targets\[1\] = -1/);
  });
});

describe('probability outputs', () => {
  const softmaxModel: Classifier = {
    get inputShape() {
      return model.inputShape;
    },
    numClasses: 2,
    trainableVariables: [],
    predict: (input) => tf.tidy(() => tf.softmax(model.predict(input))),
  };

  it('are refused by default', async () => {
    await expect(run({ x, labels: [0, 1] }, {}, softmaxModel)).rejects.toThrow(
      /look like softmax probabilities/,
    );
  });

  it('are attacked with a loud warning when asked to', async () => {
    const messages: string[] = [];
    const result = await run(
      { x, labels: [0, 1] },
      { probabilityOutputs: 'warn', log: (m) => messages.push(m) },
      softmaxModel,
    );
    expect(messages).toHaveLength(1);
    expect(result.warnings).toEqual(messages);
  });

  it('are not flagged for logits', async () => {
    const result = await run({ x, labels: [0, 1] });
    expect(result.warnings).toEqual([]);
  });
});
