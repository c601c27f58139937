import type { Command, OptionSpec } from './command.js';
import { globalOptions } from './global-options.js';

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.placeholder ?? 'VALUE'}` : ''}`;
    const def = spec.default !== undefined && spec.type === 'string' && !spec.description.includes('default') ? ` (default ${spec.default})` : '';
    return [flag, spec.description + def] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

export function commandHelp(command: Command): string {
  return [
    `liftguard ${command.name} — ${command.summary}`,
    '',
    `Usage: ${command.usage}`,
    '',
    'Options:',
    ...optionLines(command.options),
    '',
    'Global options:',
    ...optionLines(globalOptions),
    '',
    'Examples:',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n');
}

export function mainHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'liftguard — adversarial robustness for TensorFlow.js models',
    '',
    'Usage: liftguard <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'liftguard <command> --help' for a command's options and examples.",
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  ].join('\n');
}
