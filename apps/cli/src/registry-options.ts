import { allowedRange, type OptionSchema, type Registrable } from '@liftguard/tensor';
import type { OptionValues } from './command.js';
import { UsageError } from './errors.js';

/** The names of a registry's entries as `a | b | c`, for help text. */
export function registryChoices(entries: readonly Registrable[]): string {
  return entries.map((e) => e.name).join(' | ');
}

/**
 * Options given as repeatable `--<flag> KEY=VALUE` pairs, typed by the entry's schema, so a
 * plugin's own options reach it without a flag of their own.
 */
export function keyValueOptions(values: OptionValues, flag: string, schema: readonly OptionSchema[] | undefined, entryName: string): Record<string, unknown> {
  const raw = values[flag];
  if (typeof raw !== 'string' || raw === '') return {};
  const options: Record<string, unknown> = {};
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${flag} takes KEY=VALUE, got '${pair}'`);
    const key = pair.slice(0, at).trim();
    const text = pair.slice(at + 1).trim();
    const option = schema?.find((o) => o.name === key);
    if (schema !== undefined && option === undefined) {
      throw new UsageError(`--${flag}: ${entryName} has no option '${key}'; it takes ${schema.map((o) => o.name).join(', ') || 'none'}`);
    }
    options[key] = typedValue(text, option, flag, key);
  }
  return options;
}

function typedValue(text: string, option: OptionSchema | undefined, flag: string, key: string): unknown {
  const type = option?.type ?? 'any';
  if (type === 'number' || type === 'integer') {
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) throw new UsageError(`--${flag} ${key} must be ${option ? allowedRange(option) : 'a number'}, got '${text}'`);
    return value;
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`--${flag} ${key} must be true or false, got '${text}'`);
    return text === 'true';
  }
  if (type === 'string') return text;
  // Objects and untyped options: JSON when it parses, else the text.
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
