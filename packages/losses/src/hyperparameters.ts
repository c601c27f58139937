import type { LayerWeights } from '@liftguard/potentials';

/** Invalid or unstable loss settings. */
export class LossSettingsError extends Error {
  constructor(loss: string, message: string) {
    super(`${loss}: ${message}`);
    this.name = 'LossSettingsError';
  }
}

/** Rejects keys a loss does not know, so typos do not silently fall back to defaults. */
export function rejectUnknownOptions(loss: string, options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new LossSettingsError(loss, `unknown option(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
}

export function positive(loss: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new LossSettingsError(loss, `${name} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

export function nonNegative(loss: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new LossSettingsError(loss, `${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

export function positiveInteger(loss: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new LossSettingsError(loss, `${name} must be an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}

/** γ: one number for every layer, one per layer, or one for hidden layers and one for the output. */
export type GammaOption = LayerWeights | { hidden: number; output: number };

export function layerWeights(loss: string, value: unknown): GammaOption {
  if (typeof value === 'number') return positive(loss, 'gamma', value);
  if (Array.isArray(value) && value.length > 0) return value.map((g, i) => positive(loss, `gamma[${i}]`, g));
  if (value !== null && typeof value === 'object' && 'hidden' in value && 'output' in value) {
    const { hidden, output } = value as { hidden: unknown; output: unknown };
    return { hidden: positive(loss, 'gamma.hidden', hidden), output: positive(loss, 'gamma.output', output) };
  }
  throw new LossSettingsError(loss, `gamma must be a number > 0, a list (one per layer) or { hidden, output }, got ${JSON.stringify(value)}`);
}

/** γ for a network of `layers` layers. */
export function gammaFor(gamma: GammaOption, layers: number): LayerWeights {
  if (typeof gamma === 'number' || Array.isArray(gamma)) return gamma as LayerWeights;
  const { hidden, output } = gamma as { hidden: number; output: number };
  return Array.from({ length: layers }, (_, i) => (i === layers - 1 ? output : hidden));
}

export function oneOf<T extends string>(loss: string, name: string, value: unknown, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new LossSettingsError(loss, `${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
  return value as T;
}

/** γ_L, the weight of the output layer's potential, when γ is known before the network is. */
export function outputWeight(gamma: GammaOption): number {
  if (typeof gamma === 'number') return gamma;
  if (Array.isArray(gamma)) return gamma[gamma.length - 1]!;
  return (gamma as { output: number }).output;
}
