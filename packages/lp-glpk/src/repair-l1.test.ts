import * as tf from '@tensorflow/tfjs-core';
import { predictLogits, readParameters, repairClassifier } from '@liftguard/cutting-plane';
import { assertNoLeaksAsync, initBackend, Random, type Classifier } from '@liftguard/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { GlpkLpSolver } from './glpk-lp-solver.js';

// A 2-layer ReLU MLP from tf.variables; only its last layer moves, so the margins are affine.
function tinyMlp(seed: number): Classifier & { dispose(): void } {
  const random = new Random(seed);
  const make = (shape: number[], name: string) => {
    const init = random.normalTensor(shape, 0, 0.7);
    const v = tf.variable(init, true, `lp-glpk-test-${seed}/${name}`);
    init.dispose();
    return v;
  };
  const [w1, b1, w2, b2] = [
    make([4, 6], 'w1'),
    make([6], 'b1'),
    make([6, 3], 'w2'),
    make([3], 'b2'),
  ];
  return {
    inputShape: [4],
    numClasses: 3,
    trainableVariables: [w1, b1, w2, b2],
    predict: (x) =>
      tf.tidy(() =>
        tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)), w2), b2),
      ),
    dispose: () => tf.dispose([w1, b1, w2, b2]),
  };
}

beforeAll(async () => {
  await initBackend({ quiet: true });
});

describe('repairClassifier with the GLPK L1 objective', () => {
  it('satisfies every last-layer margin constraint after one round and changes at most m parameters', async () => {
    const model = tinyMlp(7);
    const random = new Random(8);
    const x = tf.tensor2d(random.normalArray(8 * 4, 0, 2), [8, 4]);
    const labels = Int32Array.from({ length: 8 }, (_, i) => i % 3);
    const before = readParameters(model.trainableVariables.slice(2));
    const solver = await GlpkLpSolver.create();
    const result = await assertNoLeaksAsync(() =>
      repairClassifier({
        classifier: model,
        parameters: { lastVariables: 2 },
        adversarial: { x, labels },
        validation: { x, labels },
        cleanLoss: false,
        form: 'perClass',
        cutThreshold: Infinity,
        objective: 'l1',
        solver,
        maxIterations: 3,
        omega: 1,
      }),
    );
    expect(result.trace).toHaveLength(1);
    expect(result.stopReason).toBe('feasible');
    expect(result.trace[0]!.kkt!.ok).toBe(true);
    const changed = result.parameters.filter((w, p) => w !== before[p]).length;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThanOrEqual(result.trace[0]!.cuts);
    const logits = predictLogits(model, x);
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 3; j++)
        if (j !== labels[i])
          expect(logits[i * 3 + j]! - logits[i * 3 + labels[i]!]! + 0.1).toBeLessThanOrEqual(1e-4);
    }
    x.dispose();
    model.dispose();
  });
});
