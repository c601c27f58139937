import { capabilityReport, formatCapabilityReport, runConformance } from '@liftguard/tensor';
import type { Command } from '../command.js';
import { CliError } from '../errors.js';

export const backendCommand: Command = {
  name: 'backend',
  summary: 'show the tensor backend in use and what it can do',
  usage: 'liftguard backend [--conformance] [--backend NAME] [--json]',
  examples: [
    'liftguard backend',
    'liftguard backend --backend cpu --json',
    'liftguard backend --conformance   # check values and gradients of every op against cpu',
  ],
  options: {
    conformance: { type: 'boolean', description: 'also run the cross-backend conformance suite' },
  },
  async run({ values, output, backend }) {
    await backend();
    const report = await capabilityReport();
    const conformance = values.conformance ? await runConformance({ backends: [report.backend] }) : undefined;
    const failures = conformance?.results.filter((r) => !r.passed) ?? [];
    output.result({ ...report, conformance }, () => {
      const text = formatCapabilityReport(report);
      if (!conformance) return text;
      return `${text}\nconformance on ${report.backend} against ${conformance.reference}: ${conformance.results.length - failures.length}/${conformance.results.length} ops pass`;
    });
    if (failures.length > 0) {
      throw new CliError(`conformance failed on ${report.backend}: ${failures.map((f) => f.case).join(', ')}`);
    }
  },
};
