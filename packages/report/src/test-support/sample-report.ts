import type { RobustnessReport } from '../schema/robustness.js';
import type { DocumentReport } from '../schema/report.js';

const header = {
  schema: 'liftguard-report' as const,
  schemaVersion: 1 as const,
  createdAt: '2026-11-21T12:00:00.000Z',
  environment: { backend: 'wasm', libraryVersions: { '@tensorflow/tfjs-core': '4.22.0' } },
};

/** A hand-written robustness report with two norms, a worst case and internal layers. */
export function sampleRobustnessReport(): RobustnessReport {
  const gradient = { source: 'forward-pass', declared: false };
  const timings = { totalMs: 1200, perEpsilonMs: [400, 400, 400] };
  return {
    ...header,
    title: 'Sample robustness',
    kind: 'robustness',
    dataset: { name: 'mnist', split: 'test', count: 100 },
    model: { id: 'mlp', hash: 'abc123' },
    cleanAccuracy: 0.97,
    attacks: [
      {
        name: 'fgsm',
        norm: 'linf',
        epsilons: [0.05, 0.1, 0.2],
        robustAccuracy: [0.8, 0.5, 0.1],
        successRate: [0.2, 0.5, 0.9],
        config: { steps: 1 },
        gradient,
        timings,
      },
      {
        name: 'pgd',
        norm: 'linf',
        epsilons: [0.05, 0.1, 0.2],
        robustAccuracy: [0.7, 0.3, 0],
        successRate: [0.3, 0.7, 1],
        config: { steps: 40 },
        gradient,
        timings,
      },
      {
        name: 'pgd',
        norm: 'l2',
        epsilons: [0.5, 1, 2],
        robustAccuracy: [0.9, 0.6, 0.2],
        successRate: [0.1, 0.4, 0.8],
        config: { steps: 40 },
        gradient,
        timings,
      },
    ],
    worstCase: [
      {
        norm: 'linf',
        attacks: ['fgsm', 'pgd'],
        epsilons: [0.05, 0.1, 0.2],
        robustAccuracy: [0.65, 0.25, 0],
        stages: [
          {
            name: 'fgsm',
            attacked: [100, 100, 100],
            robustAccuracy: [0.8, 0.5, 0.1],
            timingsMs: [10, 10, 10],
          },
          {
            name: 'pgd',
            attacked: [80, 50, 10],
            robustAccuracy: [0.65, 0.25, 0],
            timingsMs: [300, 200, 50],
          },
        ],
        config: {},
        gradient,
        timings,
      },
    ],
    internalLayers: {
      rhos: [0.05, 0.1],
      layers: [
        { layer: 1, meanActivityNorm: 3.5, robustAccuracy: [0.9, 0.8] },
        { layer: 2, meanActivityNorm: 2.5, robustAccuracy: [0.85, 0.6] },
      ],
      config: {},
      gradient,
    },
  };
}

/** A generic document: what a training-curve report would look like. */
export function sampleDocumentReport(): DocumentReport {
  return {
    ...header,
    title: 'Training curves',
    kind: 'document',
    blocks: [
      { type: 'text', text: 'Loss per epoch.' },
      {
        type: 'line-chart',
        title: 'Loss',
        x: { label: 'epoch' },
        y: { label: 'loss', scale: 'log' },
        series: [
          {
            name: 'train',
            points: [
              [1, 2],
              [2, 1],
              [3, 0.5],
            ],
          },
        ],
      },
      {
        type: 'scatter-chart',
        title: 'Pareto front',
        x: { label: 'clean' },
        y: { label: 'robust' },
        series: [
          {
            name: 'repairs',
            points: [
              [0.9, 0.2],
              [0.8, 0.4],
            ],
          },
        ],
      },
    ],
  };
}
