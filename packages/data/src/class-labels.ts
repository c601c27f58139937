import { DataSourceError } from './data-source-error.js';

/** Labels resolved to class indices, with the number of classes and (when known) their names. */
export interface ClassLabels {
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly classNames?: string[];
}

export interface ResolveLabelOptions {
  classNames?: readonly string[] | undefined;
  numClasses?: number | undefined;
  /** How many labels the data needs (its full count, before any limit). */
  expectedCount: number;
  /** Only the first `keep` labels are returned (the data's limit). */
  keep?: number;
  /** Names the labels in errors. */
  source: string;
  /** Names the data in the count-mismatch error. */
  dataSource: string;
}

/** Integer labels or class names → class indices; counts, integrality and class bounds are checked. */
export function resolveLabels(values: ArrayLike<number> | readonly string[], options: ResolveLabelOptions): ClassLabels {
  const { source, expectedCount } = options;
  if (values.length !== expectedCount) {
    throw new DataSourceError(source, `has ${values.length} labels but ${options.dataSource} has ${expectedCount} images`);
  }
  const keep = Math.min(options.keep ?? expectedCount, expectedCount);
  const labels = new Int32Array(keep);
  let classNames = options.classNames === undefined ? undefined : [...options.classNames];
  if (values.length > 0 && typeof values[0] === 'string') {
    const names = values as readonly string[];
    classNames ??= [...new Set(names)].sort();
    const index = new Map(classNames.map((n, i) => [n, i]));
    for (let i = 0; i < keep; i++) {
      const k = index.get(names[i]!);
      if (k === undefined) throw new DataSourceError(source, `label ${JSON.stringify(names[i])} at index ${i} is not one of the class names (${classNames.slice(0, 10).join(', ')}${classNames.length > 10 ? ', …' : ''})`);
      labels[i] = k;
    }
  } else {
    const numbers = values as ArrayLike<number>;
    let max = -1;
    for (let i = 0; i < values.length; i++) {
      const y = numbers[i]!;
      if (typeof y !== 'number' || !Number.isInteger(y) || y < 0) throw new DataSourceError(source, `label ${String(y)} at index ${i} is not a class index (a non-negative integer)`);
      if (y > max) max = y;
      if (i < keep) labels[i] = y;
    }
    const numClasses = options.numClasses ?? classNames?.length ?? max + 1;
    if (max >= numClasses) throw new DataSourceError(source, `label ${max} is not a class in 0..${numClasses - 1}`);
    return withNames(labels, numClasses, classNames, source);
  }
  return withNames(labels, options.numClasses ?? classNames.length, classNames, source);
}

function withNames(labels: Int32Array, numClasses: number, classNames: string[] | undefined, source: string): ClassLabels {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new DataSourceError(source, `numClasses must be a positive integer, got ${numClasses}`);
  if (classNames !== undefined && classNames.length !== numClasses) {
    throw new DataSourceError(source, `${classNames.length} class names for ${numClasses} classes`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= numClasses) throw new DataSourceError(source, `label ${labels[i]} at index ${i} is not a class in 0..${numClasses - 1}`);
  }
  return classNames === undefined ? { labels, numClasses } : { labels, numClasses, classNames };
}

/** Parses a labels or class-names text file: one entry per line (blank lines at the end ignored); all-integer lines give numbers. */
export function parseLabelLines(text: string): number[] | string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length > 0 && lines.every((l) => /^\d+$/.test(l)) ? lines.map(Number) : lines;
}

/** Parses a JSON labels or class-names file: an array of integers or of strings. */
export function parseLabelJson(text: string, source: string): number[] | string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DataSourceError(source, `is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || !(value.every((v) => typeof v === 'number') || value.every((v) => typeof v === 'string'))) {
    throw new DataSourceError(source, 'must hold a JSON array of integers or of class names');
  }
  return value as number[] | string[];
}
