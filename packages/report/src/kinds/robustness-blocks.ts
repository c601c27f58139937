import type { Block, ChartBlock } from '../schema/blocks.js';
import type { RobustnessReport } from '../schema/robustness.js';
import { percent } from '../render/format.js';

const accuracyAxis = { label: 'robust accuracy', domain: [0, 1] as [number, number] };

function normLabel(norm: string): string {
  return norm === 'linf' ? 'L∞' : norm === 'l2' ? 'L2' : norm === 'l1' ? 'L1' : norm;
}

/** Per norm: a table and a chart of robust accuracy vs ε for every attack and the worst case. */
function perNormBlocks(report: RobustnessReport): Block[] {
  const norms = [
    ...new Set([...report.attacks.map((a) => a.norm), ...report.worstCase.map((w) => w.norm)]),
  ];
  return norms.flatMap((norm): Block[] => {
    const attacks = report.attacks.filter((a) => a.norm === norm && a.robustAccuracy !== null);
    const worst = report.worstCase.filter((w) => w.norm === norm && w.robustAccuracy !== null);
    const rows = [
      ...attacks.map((a) => ({ name: a.name, epsilons: a.epsilons, accuracy: a.robustAccuracy! })),
      ...worst.map((w) => ({
        name: `worst case (${w.attacks.join(', ')})`,
        epsilons: w.epsilons,
        accuracy: w.robustAccuracy!,
      })),
    ];
    if (rows.length === 0) return [];
    const epsilons = [...new Set(rows.flatMap((r) => r.epsilons))].sort((a, b) => a - b);
    const chart: ChartBlock = {
      type: 'line-chart',
      title: `Robust accuracy vs ε (${normLabel(norm)})`,
      x: { label: `ε (${normLabel(norm)})` },
      y: accuracyAxis,
      series: rows.map((r) => ({
        name: r.name,
        points: r.epsilons.map((e, i) => [e, r.accuracy[i]!] as [number, number]),
      })),
    };
    return [
      { type: 'heading', level: 2, text: `${normLabel(norm)} threat model` },
      {
        type: 'table',
        title: `Robust accuracy (${normLabel(norm)})`,
        header: ['attack', ...epsilons.map((e) => `ε = ${e}`)],
        rows: rows.map((r) => [
          r.name,
          ...epsilons.map((e) => percent(r.accuracy[r.epsilons.indexOf(e)])),
        ]),
      },
      chart,
    ];
  });
}

function internalLayerBlocks(report: RobustnessReport): Block[] {
  const internal = report.internalLayers;
  if (!internal) return [];
  return [
    { type: 'heading', level: 2, text: 'Internal-layer attacks' },
    {
      type: 'text',
      text: `Each hidden activity z*_k is perturbed by δ with ‖δ‖₂ ≤ ρ·mean‖z*_k‖₂ and propagated to the logits. Gradient: ${internal.gradient.source}${internal.gradient.declared ? '' : ' (assumed: the model did not declare it)'}.`,
    },
    {
      type: 'table',
      header: ['layer', 'mean ‖z*_k‖₂', ...internal.rhos.map((r) => `ρ = ${r}`)],
      rows: internal.layers.map((l) => [
        String(l.layer),
        l.meanActivityNorm,
        ...l.robustAccuracy.map((a) => percent(a)),
      ]),
    },
    {
      type: 'line-chart',
      title: 'Accuracy vs ρ per hidden layer',
      x: { label: 'ρ (relative L2 radius)' },
      y: { label: 'accuracy', domain: [0, 1] },
      series: internal.layers.map((l) => ({
        name: `layer ${l.layer}`,
        points: internal.rhos.map((r, i) => [r, l.robustAccuracy[i]!] as [number, number]),
      })),
    },
  ];
}

/** The robustness report as generic blocks: summary, per-norm tables and plots, timings, configs. */
export function robustnessBlocks(report: RobustnessReport): Block[] {
  const gradients = [
    ...new Set(
      [...report.attacks, ...report.worstCase].map((a) => `${a.gradient.source}${a.gradient.declared ? '' : ' (assumed)'}`),
    ),
  ];
  return [
    { type: 'heading', level: 1, text: report.title },
    {
      type: 'table',
      header: ['dataset', 'split', 'examples', 'model', 'model hash', 'clean accuracy', 'backend'],
      rows: [
        [
          report.dataset.name,
          report.dataset.split,
          report.dataset.count,
          report.model.id,
          report.model.hash,
          percent(report.cleanAccuracy),
          report.environment.backend,
        ],
      ],
    },
    { type: 'text', text: `Gradients used by the attacks: ${gradients.join(', ') || '—'}.` },
    ...(report.notes ?? []).map((text): Block => ({ type: 'text', text })),
    ...perNormBlocks(report),
    ...internalLayerBlocks(report),
    ...(report.examples ? [report.examples] : []),
    { type: 'heading', level: 2, text: 'Timings' },
    {
      type: 'table',
      header: ['attack', 'norm', 'total (s)', 'per ε (ms)'],
      rows: [
        ...report.attacks.map((a) => [
          a.name,
          normLabel(a.norm),
          a.timings.totalMs / 1000,
          a.timings.perEpsilonMs.map((t) => t.toFixed(0)).join(', '),
        ]),
        ...report.worstCase.map((w) => [
          `worst case (${w.attacks.join(', ')})`,
          normLabel(w.norm),
          w.timings.totalMs / 1000,
          w.timings.perEpsilonMs.map((t) => t.toFixed(0)).join(', '),
        ]),
      ],
    },
    { type: 'heading', level: 2, text: 'Environment and resolved configurations' },
    {
      type: 'table',
      header: ['library', 'version'],
      rows: Object.entries(report.environment.libraryVersions).map(([name, version]) => [
        name,
        version,
      ]),
    },
    {
      type: 'text',
      text:
        '```json\n' +
        JSON.stringify(
          {
            attacks: report.attacks.map((a) => a.config),
            worstCase: report.worstCase.map((w) => w.config),
            internalLayers: report.internalLayers?.config,
          },
          null,
          2,
        ) +
        '\n```',
    },
  ];
}
