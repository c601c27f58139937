import { extname } from 'node:path';
import { parseLabelJson, parseLabelLines } from './class-labels.js';
import { DataSourceError } from './data-source-error.js';
import { readNpyFile } from './npy-file.js';
import { readRegularFile } from './regular-file.js';

/** Labels files hold at most this many bytes of text (a million labels is ~8 MB). */
const maxLabelFileBytes = 256 * 2 ** 20;

/** Per-image labels from a file (.npy of integer values, .txt one per line, .json array) or as given; integrality is checked by resolveLabels. */
export async function readLabelValues(labels: string | ArrayLike<number> | readonly string[]): Promise<{ values: ArrayLike<number> | readonly string[]; from: string }> {
  if (typeof labels !== 'string') return { values: labels, from: 'array' };
  const ext = extname(labels).toLowerCase();
  if (ext === '.npy') {
    const array = await readNpyFile(labels);
    const flat = array.shape.length === 1 || (array.shape.length === 2 && array.shape[1] === 1);
    if (!flat) throw new DataSourceError(labels, `has shape (${array.shape.join(', ')}); labels are one integer per image, shape (n,) or (n, 1)`);
    return { values: array.data, from: labels };
  }
  return { values: await readTextList(labels, ext), from: labels };
}

/** Class names in index order from a .txt (one per line) or .json file, or as given. */
export async function readClassNames(classNames: string | readonly string[] | undefined): Promise<readonly string[] | undefined> {
  if (classNames === undefined || typeof classNames !== 'string') return classNames;
  const names = await readTextList(classNames, extname(classNames).toLowerCase());
  if (!names.every((n) => typeof n === 'string' || typeof n === 'number')) throw new DataSourceError(classNames, 'must list class names');
  const strings = (names as (string | number)[]).map(String);
  if (new Set(strings).size !== strings.length) throw new DataSourceError(classNames, 'lists a class name twice');
  return strings;
}

async function readTextList(path: string, ext: string): Promise<number[] | string[]> {
  if (ext !== '.txt' && ext !== '.json') throw new DataSourceError(path, 'is not a labels file: use .npy (integers), .txt (one per line) or .json (an array)');
  const text = new TextDecoder().decode(await readRegularFile(path, maxLabelFileBytes));
  return ext === '.json' ? parseLabelJson(text, path) : parseLabelLines(text);
}
