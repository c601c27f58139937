import { mergeShardReports, parseReport, renderHtml, type RobustnessReport } from '@liftguard/report';
import { readTextBounded, writeFileAtomic } from '@liftguard/tensor/files';
import { describeEval, isEvalSummary, mergeEvalShards } from '../eval-summary.js';
import { requiredOption } from '../args.js';
import type { Command } from '../command.js';
import { CliError, UsageError } from '../errors.js';
import { asCliError, claimFile, claimOutput } from '../output-target.js';

export const mergeCommand: Command = {
  name: 'merge',
  summary: "join the robustness reports of 'attack --shard I/N' runs (or the --json outputs of 'eval --shard I/N') into the result of the whole run",
  usage: 'liftguard merge SHARD.json… --out FILE.json [--html FILE]',
  examples: ['liftguard merge shards/robustness-*.json --out robustness.json', 'liftguard merge eval-shard-*.json --out eval.json'],
  options: {
    out: { type: 'string', placeholder: 'FILE', description: 'where the merged JSON report goes' },
    html: { type: 'string', placeholder: 'FILE', description: 'also render the merged report as HTML' },
  },
  async run({ values, positionals, output }) {
    const out = requiredOption(values, 'out');
    if (positionals.length === 0) throw new UsageError('give the shard reports to merge');
    const parsed: unknown[] = [];
    for (const file of positionals) {
      try {
        parsed.push(JSON.parse(await readTextBounded(file, { maxBytes: 256 * 1024 ** 2 })));
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    if (parsed.some(isEvalSummary)) {
      if (!parsed.every(isEvalSummary)) throw new UsageError('give only eval outputs or only robustness reports, not both');
      if (typeof values.html === 'string') throw new UsageError('--html renders robustness reports; eval outputs have no page');
      let merged;
      try {
        merged = mergeEvalShards(parsed);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new CliError((error as Error).message);
      }
      const lock = await claimOutput(out, values, 'merge');
      try {
        await asCliError(() => writeFileAtomic(out, JSON.stringify(merged, null, 2) + '\n'));
      } finally {
        await lock.release();
      }
      output.result(merged, () => `${parsed.length} shards\n${describeEval(merged)}\nresult: ${out}`);
      return;
    }
    const reports: RobustnessReport[] = [];
    for (const [k, file] of positionals.entries()) {
      let report;
      try {
        report = parseReport(parsed[k]);
      } catch (error) {
        throw new CliError(`${file}: ${(error as Error).message.split('\n')[0]}`);
      }
      if (report.kind !== 'robustness') throw new CliError(`${file}: a ${report.kind} report, not a robustness report`);
      reports.push(report);
    }
    let merged: RobustnessReport;
    try {
      merged = mergeShardReports(reports);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const lock = await claimOutput(out, values, 'merge');
    try {
      if (typeof values.html === 'string') await claimFile(values.html, values);
      await asCliError(async () => {
        await writeFileAtomic(out, JSON.stringify(merged, null, 2) + '\n');
        if (typeof values.html === 'string') await writeFileAtomic(values.html, await renderHtml(merged));
      });
    } finally {
      await lock.release();
    }
    const worst = merged.worstCase[0]!;
    output.result(merged, () =>
      [
        `${reports.length} shards, ${merged.dataset.count} examples: clean accuracy ${(100 * (merged.cleanAccuracy ?? 0)).toFixed(2)}%`,
        `worst case over ${worst.attacks.join(', ')} (${worst.norm}): ` + worst.epsilons.map((e, i) => `ε=${e}: ${(100 * (worst.robustAccuracy?.[i] ?? NaN)).toFixed(2)}%`).join(', '),
        `report: ${out}`,
      ].join('\n'),
    );
  },
};
