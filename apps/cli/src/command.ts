import type { Output } from './output.js';

/** One flag: `--name value` (string) or `--name` (boolean). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  short?: string;
  /** Shown in help, e.g. `N` or `FILE`. */
  placeholder?: string;
  default?: string | boolean;
  /** May be given more than once; the values are joined with commas. */
  multiple?: boolean;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  /** Flags merged over the config file over defaults. */
  values: OptionValues;
  positionals: string[];
  output: Output;
  /** Initializes the tensor backend once; commands call it after validating their flags, so usage errors come first. */
  backend: () => Promise<void>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  examples: string[];
  options: Record<string, OptionSpec>;
  /** Registers what the command's choices need (e.g. optional solvers) before its help or run. */
  prepare?(): Promise<void>;
  run(context: CommandContext): Promise<void>;
}
