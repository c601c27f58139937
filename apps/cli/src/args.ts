import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { OptionSpec, OptionValues } from './command.js';
import { UsageError } from './errors.js';
import { checkFlagLimit, maxSeed } from './limits.js';

/** Reads a JSON config file whose keys are option names; values become flag strings. */
export function readConfig(file: string, options: Record<string, OptionSpec>): OptionValues {
  if (!existsSync(file)) throw new UsageError(`config file not found: ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`config file ${file} must hold a JSON object of option names to values`);
  }
  const values: OptionValues = {};
  for (const [key, value] of Object.entries(parsed)) {
    const spec = options[key];
    if (!spec || key === 'config') throw new UsageError(`unknown option '${key}' in config file ${file}`);
    if (spec.type === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`option '${key}' in ${file} must be true or false`);
      values[key] = value;
    } else if (Array.isArray(value)) {
      values[key] = value.map(String).join(',');
    } else if (typeof value === 'string' || typeof value === 'number') {
      values[key] = String(value);
    } else {
      throw new UsageError(`option '${key}' in ${file} must be a string, number or list`);
    }
  }
  return values;
}

/** Parses argv against the specs: defaults < config file < flags. */
export function parseCommandArgs(
  argv: string[],
  options: Record<string, OptionSpec>,
): { values: OptionValues; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv, options),
      options: Object.fromEntries(
        Object.entries(options).map(([name, spec]) => [name, { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages name the flag; drop its advice about '--' separators.
    throw new UsageError((error as Error).message.split('. To specify')[0]!.replace(/^Unknown option/, 'unknown option'));
  }
  const defaults = Object.fromEntries(
    Object.entries(options).flatMap(([name, spec]) => (spec.default === undefined ? [] : [[name, spec.default]])),
  );
  const flags = Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v])) as OptionValues;
  const fromConfig = typeof flags.config === 'string' ? readConfig(flags.config, options) : {};
  return { values: { ...defaults, ...fromConfig, ...flags }, positionals: parsed.positionals };
}

/** A value that starts like a negative number, e.g. `-0.1` or `-1,2`. */
const negativeNumber = /^-(\d|\.\d|Infinity)/;

/**
 * `--eps -0.1` as `--eps=-0.1`: node:util reads a value that starts with a dash as a flag
 * ("argument is ambiguous"), so a negative number after a string flag is joined to it here
 * and then gets the flag's own range error.
 */
function joinNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && negativeNumber.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** A number flag within bounds, or a UsageError naming the flag. */
export function numberOption(
  values: OptionValues,
  name: string,
  { min = -Infinity, max = Infinity, integer = false }: { min?: number; max?: number; integer?: boolean } = {},
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number, got '${String(raw)}'`);
  }
  if (integer && !Number.isInteger(value)) throw new UsageError(`--${name} must be an integer, got '${raw}'`);
  if (value < min || value > max) {
    throw new UsageError(`--${name} must be in [${min}, ${max}], got ${value}`);
  }
  checkFlagLimit(name, value, values['allow-large'] === true);
  return value;
}

/** `--seed`: an integer in [0, 2³² − 1], so that the seed a report records is the one used. */
export function seedOption(values: OptionValues): number {
  return numberOption(values, 'seed', { min: 0, max: maxSeed, integer: true }) ?? 0;
}

/** A comma-separated list of numbers, e.g. `--eps 0.05,0.1`. */
export function numberListOption(values: OptionValues, name: string, min = -Infinity): number[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const items = String(raw).split(',').map((s) => s.trim());
  return items.map((item) => {
    const value = Number(item);
    if (item === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a comma-separated list of numbers, got '${raw}'`);
    if (value < min) throw new UsageError(`--${name} values must be ≥ ${min}, got ${value}`);
    return value;
  });
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${String(raw)}'`);
  return raw as T;
}

/** A required string flag. */
export function requiredOption(values: OptionValues, name: string): string {
  const raw = values[name];
  if (typeof raw !== 'string' || raw === '') throw new UsageError(`--${name} is required`);
  return raw;
}
