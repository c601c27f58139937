import type { Environment } from '../schema/common.js';
import type { DocumentReport } from '../schema/report.js';
import { configurationBlock, documentReport } from './document-report.js';

/** One repair candidate, as @liftguard/cutting-plane's pool records it (iteration 0 is the original model). */
export interface RepairCandidate {
  iteration: number;
  violation: number;
  violatedCount: number;
  cleanError: number;
  changeNorm: number;
}

/** One cutting-plane iteration. */
export interface RepairIteration {
  iteration: number;
  cuts: number;
  qpStatus: string;
  changeNorm: number;
  violatedConstraints: number;
}

/** What a repair report shows besides the resolved configuration (any further keys are printed with it). */
export interface RepairSummary {
  model: string;
  pool: readonly RepairCandidate[];
  paretoFront: readonly RepairCandidate[];
  chosen: RepairCandidate;
  trace: readonly RepairIteration[];
}

/** The document report of one cutting-plane repair: configuration, candidate pool, Pareto front, iterations. */
export function repairReport(summary: RepairSummary, environment: Environment): DocumentReport {
  const point = (c: RepairCandidate) => [c.violation, c.cleanError] as [number, number];
  return documentReport(`Cutting-plane repair of ${summary.model}`, environment, [
    configurationBlock('Resolved configuration and result', summary, ['pool', 'trace', 'paretoFront']),
    {
      type: 'table',
      title: 'Candidate pool (iteration 0 is the original model)',
      header: ['iteration', 'violation V', 'violated', 'clean error E', '‖Δw‖'],
      rows: summary.pool.map((c) => [c.iteration, c.violation, c.violatedCount, c.cleanError, c.changeNorm]),
    },
    {
      type: 'scatter-chart',
      title: 'Candidate pool and Pareto front (violation vs clean error)',
      x: { label: 'violation V (mean hinge on X_adv)' },
      y: { label: 'clean error E' },
      series: [
        { name: 'pool', points: summary.pool.map(point) },
        { name: 'Pareto front', points: summary.paretoFront.map(point) },
        { name: 'chosen', points: [point(summary.chosen)] },
      ],
    },
    {
      type: 'table',
      title: 'Iterations',
      header: ['iteration', 'violated constraints', 'cuts in QP', 'QP status', '‖Δw‖'],
      rows: summary.trace.map((t) => [t.iteration, t.violatedConstraints, t.cuts, t.qpStatus, t.changeNorm]),
    },
  ]);
}
