import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { assertNoLeaksAsync, initBackend, Random, type Classifier } from '@liftguard/tensor';
import {
  attackInternalLayers,
  fgsm,
  pgd,
  runAttack,
  runAttacks,
  type InternalLayerNetwork,
} from '@liftguard/attacks';
import {
  attackEntry,
  exampleImagesBlock,
  internalLayersEntry,
  worstCaseEntry,
} from './from-results.js';
import { parseReport } from './parse-report.js';
import { renderMarkdown } from './render/markdown.js';
import type { RobustnessReport } from './schema/robustness.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** A 4×4-pixel, 3-class linear classifier that also exposes a hidden layer (identity). */
function tinyNetwork(random: Random): Classifier & InternalLayerNetwork {
  const w = random.normalTensor([16, 3]);
  const predict = (x: tf.Tensor) =>
    tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, 16]), w) as tf.Tensor2D);
  return {
    inputShape: [4, 4],
    numClasses: 3,
    trainableVariables: [],
    layerCount: 1,
    predict,
    activities: (x) => [tf.reshape(x, [x.shape[0]!, 16])],
    predictFromLayer: (_k, z) => predict(z),
  };
}

describe('reports from real attack results', () => {
  it('validate against the schema and render', async () => {
    const random = new Random('report from results');
    const model = tinyNetwork(random);
    const x = random.uniformTensor([12, 4, 4]);
    const labels = Array.from({ length: 12 }, (_, i) => i % 3);
    await assertNoLeaksAsync(async () => {
      const single = await runAttack(model, { x, labels }, pgd({ norm: 'linf', steps: 5 }), {
        epsilons: [0.05, 0.1],
        returnAdversarials: true,
      });
      const worst = await runAttacks(
        model,
        { x, labels },
        [fgsm(), pgd({ norm: 'linf', steps: 5 })],
        { epsilons: [0.05, 0.1], returnAdversarials: false },
      );
      const internal = await attackInternalLayers(model, x, labels, {
        rhos: [0.1],
        attack: pgd({ norm: 'l2', steps: 5 }),
      });
      const original = x.dataSync();
      const adversarial = single.clipped[1]!.dataSync();
      const report: RobustnessReport = {
        schema: 'liftguard-report',
        schemaVersion: 1,
        kind: 'robustness',
        title: 'Tiny model',
        createdAt: new Date().toISOString(),
        environment: {
          backend: tf.getBackend(),
          libraryVersions: { '@tensorflow/tfjs-core': tf.version_core },
        },
        dataset: { name: 'uniform noise', split: 'test', count: 12 },
        model: { id: 'linear-16-3', hash: 'none' },
        cleanAccuracy: single.cleanAccuracy,
        attacks: [attackEntry(single)],
        worstCase: [worstCaseEntry(worst)],
        internalLayers: internalLayersEntry(internal),
        examples: exampleImagesBlock(
          [
            {
              original: original.subarray(0, 16),
              adversarial: adversarial.subarray(0, 16),
              label: `label ${labels[0]}`,
            },
          ],
          4,
          4,
        ),
      };
      const parsed = parseReport(JSON.parse(JSON.stringify(report)));
      expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
      const { markdown, figures } = await renderMarkdown(parsed);
      expect(figures).toHaveLength(3);
      expect(markdown).toContain('"steps": 5');
      tf.dispose([...single.raw, ...single.clipped]);
    });
    x.dispose();
  });

  it('refuses a worst case mixing norms', () => {
    const mixed = {
      config: {
        attacks: [
          { attack: 'a', norm: 'linf' },
          { attack: 'b', norm: 'l2' },
        ],
        run: {},
      },
      epsilons: [],
      robustAccuracy: null,
      stages: [],
      gradient: { source: 'forward-pass', declared: false },
      timings: { totalMs: 0, perEpsilonMs: [] },
    };
    expect(() => worstCaseEntry(mixed)).toThrow(/one threat model/);
  });
});
