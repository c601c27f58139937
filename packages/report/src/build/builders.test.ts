import { describe, expect, it } from 'vitest';
import { parseReport } from '../parse-report.js';
import { reportSchemaName, reportSchemaVersion } from '../schema/common.js';
import { nodeEnvironment } from '../node.js';
import { repairReport } from './repair-report.js';
import { robustnessReport } from './robustness-report.js';
import { trainingReport } from './training-report.js';

const environment = { backend: 'cpu', libraryVersions: { '@tensorflow/tfjs-core': '4.22.0' } };

describe('report builders', () => {
  it('write the shared header and a report that parses back to itself', () => {
    const report = robustnessReport('t', environment, { dataset: { name: 'd', split: 'test', count: 2 }, model: { id: 'm', hash: 'h' }, cleanAccuracy: 0.5, attacks: [], worstCase: [] }, '2026-01-01T00:00:00.000Z');
    expect(report).toMatchObject({ schema: reportSchemaName, schemaVersion: reportSchemaVersion, kind: 'robustness', title: 't', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(parseReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('trainingReport has one table row per epoch and a Lipschitz series per layer', () => {
    const history = [0, 1, 2].map((epoch) => ({ epoch, learningRate: 0.1, trainLoss: 1 / (epoch + 1), validationAccuracy: 0.5 + epoch / 10, seconds: 1 }));
    const lipschitz = history.map((_, e) => [10 + e, 5 + e]);
    const report = trainingReport({ model: 'mlp', loss: { name: 'bp', config: {} }, dataset: { name: 'mnist' }, history, lipschitz }, environment);
    const table = report.blocks.find((b) => b.type === 'table');
    expect(table && 'rows' in table ? table.rows.length : 0).toBe(3);
    const chart = report.blocks.at(-1)!;
    expect(chart.type === 'line-chart' ? chart.series.map((s) => s.points.map((p) => p[1])) : []).toEqual([[10, 11, 12], [5, 6, 7]]);
    const first = report.blocks[0]!;
    expect(first.type === 'text' ? first.text : '').not.toContain('history');
  });

  it('repairReport plots the chosen candidate and the front', () => {
    const c = (iteration: number, violation: number) => ({ iteration, violation, violatedCount: iteration, cleanError: violation / 2, changeNorm: iteration });
    const report = repairReport({ model: 'm', pool: [c(0, 1), c(1, 0.5)], paretoFront: [c(1, 0.5)], chosen: c(1, 0.5), trace: [{ iteration: 0, cuts: 3, qpStatus: 'optimal', changeNorm: 1, violatedConstraints: 2 }] }, environment);
    const scatter = report.blocks.find((b) => b.type === 'scatter-chart');
    expect(scatter && scatter.type === 'scatter-chart' ? scatter.series.find((s) => s.name === 'chosen')!.points : []).toEqual([[0.5, 0.25]]);
  });

  it('nodeEnvironment records Node, the platform and the package versions it can resolve', () => {
    const env = nodeEnvironment('wasm', ['@tensorflow/tfjs-core', 'no-such-package-here']);
    expect(env).toMatchObject({ backend: 'wasm', node: process.version, libraryVersions: { 'no-such-package-here': 'unknown' } });
    expect(env.libraryVersions['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+/);
  });
});
