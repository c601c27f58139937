import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaks, initBackend, Random } from '@liftguard/tensor';
import { attackObjective, attackObjectives, registerAttackObjective } from './registry.js';
import { createAttack } from '../attack-registry.js';
import { runAttack } from '../run-attack.js';
import { LinearClassifier } from '../test-support/linear-classifier.js';
import { blockModel } from '../test-support/fixtures.js';
import { pgd } from '../pgd.js';
import { assertNoLeaksAsync } from '@liftguard/tensor';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** Croce & Hein's DLR in float64 JavaScript, from sorted logits (independent of tfjs). */
function dlrOracle(z: number[], y: number, target?: number, source?: number): number {
  const sorted = [...z].sort((a, b) => b - a);
  if (target === undefined) {
    const other = Math.max(...z.filter((_, i) => i !== y));
    return -(z[y]! - other) / (sorted[0]! - sorted[2]! + 1e-12);
  }
  return -(z[source!]! - z[target]!) / (sorted[0]! - (sorted[2]! + sorted[3]!) / 2 + 1e-12);
}

function values(logits: number[][], labels: number[], name: string, targeted = false, source?: number[]): number[] {
  return tf.tidy(() => {
    const z = tf.tensor2d(logits);
    const y = tf.tensor1d(labels, 'int32');
    const s = source === undefined ? undefined : tf.tensor1d(source, 'int32');
    return Array.from(attackObjective(z, y, name, targeted, s).dataSync());
  });
}

const random = new Random('objectives');
const randomLogits = (n: number, classes: number) =>
  Array.from({ length: n }, () => Array.from({ length: classes }, () => 4 * random.next() - 2));

describe('DLR (Croce & Hein 2020)', () => {
  it('equals the sorted-logit formula, untargeted and targeted', () => {
    const z = randomLogits(6, 7);
    const y = [0, 1, 2, 3, 4, 5];
    const t = [3, 0, 6, 1, 2, 4];
    values(z, y, 'dlr').forEach((v, i) => expect(v).toBeCloseTo(dlrOracle(z[i]!, y[i]!), 4));
    values(z, t, 'dlr', true, y).forEach((v, i) => expect(v).toBeCloseTo(dlrOracle(z[i]!, y[i]!, t[i]!, y[i]!), 4));
  });

  it('is invariant to shifting and positively scaling the logits (property test)', () => {
    for (let trial = 0; trial < 20; trial++) {
      const z = randomLogits(4, 5);
      const shift = 20 * random.next() - 10;
      const scale = 0.2 + 5 * random.next();
      const moved = z.map((row) => row.map((v) => scale * v + shift));
      const labels = [0, 1, 2, 3];
      const targets = [4, 3, 0, 1];
      const [a, b] = [values(z, labels, 'dlr'), values(moved, labels, 'dlr')];
      a.forEach((v, i) => expect(b[i]!).toBeCloseTo(v, 3));
      const [c, d] = [values(z, targets, 'dlr', true, labels), values(moved, targets, 'dlr', true, labels)];
      c.forEach((v, i) => expect(d[i]!).toBeCloseTo(v, 3));
    }
  });

  it('refuses models with too few classes', () => {
    expect(() => values([[1, 2]], [0], 'dlr')).toThrow(/needs at least 3 classes/);
    expect(() => values([[1, 2, 3]], [0], 'dlr', true)).toThrow(/needs at least 4 classes/);
  });
});

describe('every built-in objective', () => {
  const cases = attackObjectives.names().flatMap((name) => [
    [name, false],
    [name, true],
  ]) as [string, boolean][];

  it.each(cases)('%s (targeted: %s): gradient in the logits matches central differences', (name, targeted) => {
    const z = randomLogits(3, 6);
    const labels = [1, 4, 0];
    const source = [2, 0, 5];
    const grad = assertNoLeaks(() =>
      tf.tidy(() => {
        const y = tf.tensor1d(labels, 'int32');
        const s = tf.tensor1d(source, 'int32');
        const g = tf.grad((v: tf.Tensor) => tf.sum(attackObjective(v as tf.Tensor2D, y, name, targeted, s)));
        return g(tf.tensor2d(z));
      }),
    );
    const analytic = grad.arraySync() as number[][];
    grad.dispose();
    const h = 1e-3;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 6; j++) {
        const at = (delta: number) => {
          const moved = z.map((row) => [...row]);
          moved[i]![j]! += delta;
          return values(moved, labels, name, targeted, source)[i]!;
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        // float32 logits: relative agreement (DLR's derivatives can be large near tied logits).
        expect(Math.abs(analytic[i]![j]! - numeric)).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  it('margin and cross-entropy keep their closed forms', () => {
    const z = [[1, 3, 2]];
    expect(values(z, [0], 'margin')[0]).toBeCloseTo(2, 6);
    expect(values(z, [1], 'margin', true)[0]).toBeCloseTo(1, 6);
    const ce = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2)) - 1;
    expect(values(z, [0], 'cross-entropy')[0]).toBeCloseTo(ce, 5);
    expect(values(z, [0], 'cross-entropy', true)[0]).toBeCloseTo(-ce, 5);
  });
});

describe('an objective registered from outside', () => {
  it('runs through PGD: lowering the label logit of a linear model moves x by −ε·sign(w_y)', async () => {
    registerAttackObjective({
      name: 'label-logit',
      label: '−z_y',
      description: 'minus the label logit (test objective)',
      value: ({ logits, labels }) =>
        tf.tidy(() => tf.neg(tf.sum(tf.mul(logits, tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32')), 1)) as tf.Tensor1D),
    });
    expect(() => registerAttackObjective({ ...attackObjectives.get('dlr') })).toThrow(/already registered/);
    const model = new LinearClassifier(
      [
        [1, -2, 0.5],
        [-1, 3, 0],
      ],
      [0, 0, 0],
    );
    const x = tf.tensor2d([[0.5, 0.5]]);
    const attack = createAttack('pgd', { norm: 'linf', loss: 'label-logit', steps: 3, randomStart: false });
    expect(attack.config.loss).toBe('label-logit');
    const result = await runAttack(model, { x, labels: [1] }, attack, { epsilons: [0.1], bounds: null });
    // w_1 = (−2, 3): the label logit falls fastest along −sign(w_1) = (+1, −1).
    const [a, b] = Array.from(result.clipped[0]!.dataSync());
    expect(a).toBeCloseTo(0.6, 5);
    expect(b).toBeCloseTo(0.4, 5);
    tf.dispose([x, ...result.raw, ...result.clipped]);
    model.dispose();
  });
});

describe('DLR through the runners', () => {
  // Targeted DLR (APGD-T's loss) orders z_t above z_y, not above every class: AutoAttack uses it
  // to misclassify through a target, so the oracle is "off the true class", not "at the target".
  it('moves every example off its true class on the block model, targeted and untargeted', async () => {
    const classes = 5;
    const { model, x, labels } = blockModel(classes, 4);
    const targets = labels.map((y, i) => (y + 1 + (i % (classes - 1))) % classes);
    const result = await assertNoLeaksAsync(() =>
      runAttack(model, { x, labels, targets }, pgd({ norm: 'linf', steps: 30, loss: 'dlr' }), {
        epsilons: [0.5],
        goal: { kind: 'targeted', target: 'given' },
        seed: 9,
        returnAdversarials: false,
      }),
    );
    expect(result.robustAccuracy).toEqual([0]);
    // … and past its true class towards the target: z_t > z_y on the clipped inputs.
    const clipped = await runAttack(model, { x, labels, targets }, pgd({ norm: 'linf', steps: 30, loss: 'dlr' }), {
      epsilons: [0.5],
      goal: { kind: 'targeted', target: 'given' },
      seed: 9,
    });
    const logits = model.predict(clipped.clipped[0]!);
    const z = logits.arraySync() as number[][];
    z.forEach((row, i) => expect(row[targets[i]!]!).toBeGreaterThan(row[labels[i]!]!));
    tf.dispose([logits, ...clipped.raw, ...clipped.clipped]);
    const untargeted = await runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 30, loss: 'dlr' }), {
      epsilons: [0.5],
      seed: 9,
      returnAdversarials: false,
    });
    expect(untargeted.robustAccuracy).toEqual([0]);
    model.dispose();
    x.dispose();
  });
});
