import type { OptionSpec } from './command.js';

/** Flags every subcommand accepts. */
export const globalOptions: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', description: 'show help for this command' },
  json: { type: 'boolean', description: 'print machine-readable JSON on stdout instead of text' },
  config: { type: 'string', placeholder: 'FILE', description: 'read options from a JSON file (flags win)' },
  seed: { type: 'string', placeholder: 'N', description: 'random seed, an integer in [0, 4294967295] (default 0)', default: '0' },
  'allow-large': { type: 'boolean', description: 'lift the upper bounds on steps, epochs, widths, counts (see the README\'s limits)' },
  backend: { type: 'string', placeholder: 'NAME', description: 'tensorflow | wasm | cpu (default: fastest available; env LIFTGUARD_BACKEND)' },
  force: { type: 'boolean', description: 'replace an existing result (an earlier folder is moved aside to PATH.previous-TIME, never deleted)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress output' },
  import: { type: 'string', placeholder: 'MODULE', multiple: true, description: 'load a plugin module (a file or an installed package) that registers norms, objectives, attacks, losses or solvers; repeatable' },
  debug: { type: 'boolean', description: 'print stack traces on errors' },
};
