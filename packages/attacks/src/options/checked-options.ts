import { AttackConfigError } from '../errors.js';

/** Rejects option names the attack does not know, naming the allowed ones. */
export function rejectUnknownOptions(
  attack: string,
  options: object,
  allowed: readonly string[],
): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key))
      throw new AttackConfigError(
        `${attack}: unknown option '${key}'; allowed options: ${allowed.join(', ')}`,
      );
  }
}

/** An integer option in [low, high], or the default when absent. */
export function integerOption(
  attack: string,
  name: string,
  value: unknown,
  fallback: number,
  low: number,
  high: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high)
    throw new AttackConfigError(
      `${attack}: ${name} must be an integer in [${low}, ${high}], got ${String(value)}`,
    );
  return value;
}

/** A real option in (low, high] (exclusive low), or the default when absent. */
export function realOption(
  attack: string,
  name: string,
  value: unknown,
  fallback: number,
  low: number,
  high: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= low || value > high)
    throw new AttackConfigError(
      `${attack}: ${name} must be a number in (${low}, ${high}], got ${String(value)}`,
    );
  return value;
}

/** One of a fixed set of strings, or the default when absent. */
export function choiceOption<T extends string>(
  attack: string,
  name: string,
  value: unknown,
  fallback: T,
  choices: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T))
    throw new AttackConfigError(
      `${attack}: ${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
    );
  return value as T;
}
