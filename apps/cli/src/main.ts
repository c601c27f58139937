#!/usr/bin/env node
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError, initBackend } from '@liftguard/tensor';
import { describeFileError, FileSafetyError } from '@liftguard/tensor/files';
import { parseCommandArgs } from './args.js';
import { commands } from './commands/index.js';
import { CliError, InterruptedError, UsageError } from './errors.js';
import { globalOptions } from './global-options.js';
import { commandHelp, mainHelp } from './help.js';
import { Output } from './output.js';
import { loadPlugins } from './plugins.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp(commands) + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'; commands: ${commands.map((c) => c.name).join(', ')}`);
  const { values, positionals } = parseCommandArgs(rest, { ...globalOptions, ...command.options });
  if (typeof values.import === 'string') await loadPlugins(values.import.split(',').filter(Boolean));
  await command.prepare?.();
  if (values.help) {
    process.stdout.write(commandHelp(command) + '\n');
    return 0;
  }
  const output = new Output(values.json === true, values.quiet === true);
  // tfjs' own console banners ("install our node backend") repeat what the backend note says; --debug keeps them.
  if (values.debug !== true) tf.env().set('PROD', true);
  let ready: Promise<void> | undefined;
  const backend = () =>
    (ready ??= initBackend({
      ...(typeof values.backend === 'string' ? { backend: values.backend } : {}),
      log: (line) => output.note(line),
    }).then(() => undefined));
  await command.run({ values, positionals, output, backend });
  return 0;
}

/** A file-safety refusal, or a raw errno error (ENOENT, EISDIR…) turned into one plain sentence naming the path. */
function fileErrorOf(error: unknown): FileSafetyError | undefined {
  if (error instanceof FileSafetyError) return error;
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  return typeof code === 'string' && typeof path === 'string' ? describeFileError(error, path, 'use') : undefined;
}

const debug = process.argv.includes('--debug');
// Ctrl-C before a command's own handler is in place (loading a model, starting the backend):
// exit 130 at once; outputs are written atomically and locks released at exit, so nothing is left half-done.
process.on('SIGINT', () => {
  if (process.listenerCount('SIGINT') > 1) return; // a command's handler stops its work at the next safe point
  const command = process.argv[2] ?? 'command';
  // The tour's earlier steps have written their (complete) folders; any other command writes only at the end.
  process.stderr.write(`liftguard: stopped by Ctrl-C before the ${command} finished${command === 'tour' ? '; the steps done so far are in the output folder' : '; nothing was written'}\n`);
  process.exit(130);
});
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError;
    const fileError = fileErrorOf(error);
    const known = usage || error instanceof CliError || error instanceof InterruptedError || error instanceof BackendUnavailableError || fileError !== undefined;
    const message = fileError?.message ?? (error instanceof Error ? error.message : String(error));
    process.stderr.write(`liftguard: ${usage ? 'usage: ' : ''}${message.split('\n')[0]}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(error.stack + '\n');
    else if (!known) process.stderr.write('(run with --debug for the stack trace)\n');
    process.exitCode = usage ? 2 : error instanceof InterruptedError ? 130 : 1;
  },
);
