import { DataSourceError } from './data-source-error.js';

/** The interval pixel values lie in, e.g. [0, 1], [0, 255] or [-1, 1]. */
export type PixelRange = readonly [low: number, high: number];

export const unitRange: PixelRange = [0, 1];
export const byteRange: PixelRange = [0, 255];

/** Checks a range: two finite numbers, low < high. */
export function checkPixelRange(range: unknown, what = 'range'): PixelRange {
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${what} must be two finite numbers [low, high], got ${JSON.stringify(range)}`);
  }
  const [low, high] = range as [number, number];
  if (!(low < high)) throw new Error(`${what} must have low < high, got [${low}, ${high}]`);
  return [low, high];
}

/** Parses '0,1', '0:255', '[-1,1]' or '-1..1' into a range (for command lines). */
export function parsePixelRange(text: string): PixelRange {
  const match = /^\s*\[?\s*(-?[\d.]+(?:e-?\d+)?)\s*(?:,|:|\.\.)\s*(-?[\d.]+(?:e-?\d+)?)\s*\]?\s*$/i.exec(text);
  if (match === null) throw new Error(`cannot read a pixel range from '${text}': write it as low,high (e.g. 0,1 or 0,255 or -1,1)`);
  return checkPixelRange([Number(match[1]), Number(match[2])], `pixel range '${text}'`);
}

export function formatPixelRange([low, high]: PixelRange): string {
  return `[${low}, ${high}]`;
}

/** The affine map that sends `from` onto `to` (the identity when they are equal). */
export function rangeMap(from: PixelRange, to: PixelRange): (value: number) => number {
  if (from[0] === to[0] && from[1] === to[1]) return (v) => v;
  const [a, b] = from;
  const [c, d] = to;
  // (v - a) / (b - a) first keeps byte / 255 bit-identical to the IDX reader's pixels.
  return (v) => ((v - a) / (b - a)) * (d - c) + c;
}

/** Smallest and largest value of an array (NaN when a value is NaN or the array is empty). */
export function valueSpan(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) return [NaN, NaN];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return values.length === 0 ? [NaN, NaN] : [min, max];
}

/** Refuses values outside the declared source range, or NaN/Inf, naming the source and saying what to declare. */
export function checkValuesInRange(values: ArrayLike<number>, range: PixelRange, source: string): [number, number] {
  const span = valueSpan(values);
  if (values.length === 0) return span;
  if (Number.isNaN(span[0])) throw new DataSourceError(source, 'holds NaN values: pixel values must be finite numbers');
  if (!Number.isFinite(span[0]) || !Number.isFinite(span[1])) throw new DataSourceError(source, 'holds infinite values: pixel values must be finite numbers');
  if (span[0] < range[0] || span[1] > range[1]) {
    const hint = span[1] > 1 && span[1] <= 255 && span[0] >= 0 ? ' (values look like bytes: declare sourceRange [0, 255])' : '';
    throw new DataSourceError(
      source,
      `values span ${formatPixelRange(span)}, outside the declared source range ${formatPixelRange(range)}${hint}; ` +
        'declare the range the stored values are in (option sourceRange)',
    );
  }
  return span;
}
