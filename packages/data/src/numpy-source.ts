import { imageDatasetFromArray } from './array-images.js';
import { resolveLabels } from './class-labels.js';
import { DataSourceError } from './data-source-error.js';
import type { ImageDataset, ImageDatasetOptions } from './image-dataset.js';
import { readClassNames, readLabelValues } from './label-files.js';
import type { NpyArray } from './npy.js';
import { npzArrayNames, readNpyFile, readNpzArray } from './npy-file.js';
import { RegularFile } from './regular-file.js';
import { ZipArchive } from './zip-archive.js';

/** Images from a .npy file ([n, h, w], [n, h, w, c], [n, c, h, w] or [n, d]); labels from the `labels` option. */
export async function readNpySource(path: string, options: ImageDatasetOptions): Promise<ImageDataset> {
  if (options.labels === undefined) {
    throw new DataSourceError(path, 'a .npy file holds only the images: pass labels (a .npy, .txt or .json file, or an array)');
  }
  const x = await readNpyFile(path, { rows: options.limit, maxBytes: options.maxBytes });
  const { split: _split, ...rest } = options; // a .npy file has no splits
  return numpyDataset(x, path, 'npy', await readLabelValues(options.labels), rest, []);
}

/** Images and labels from a .npz archive (np.savez or np.savez_compressed), arrays chosen by name. */
export async function readNpzSource(path: string, options: ImageDatasetOptions): Promise<ImageDataset> {
  const file = await RegularFile.open(path);
  try {
    const archive = await ZipArchive.open(file);
    const names = npzArrayNames(archive);
    const split = options.split ?? 'test';
    const pick = (given: string | undefined, candidates: string[], what: string): string | undefined => {
      if (given !== undefined) {
        if (!names.includes(given)) throw new DataSourceError(path, `has no array '${given}' (arrays: ${names.join(', ') || 'none'})`);
        return given;
      }
      const found = candidates.find((c) => names.includes(c));
      if (found === undefined && what === 'images') {
        throw new DataSourceError(path, `has no images array named ${candidates.join(' | ')} (arrays: ${names.join(', ') || 'none'}); name it with arrays: { x: '…' }`);
      }
      return found;
    };
    const xName = pick(options.arrays?.x, ['x', 'images', `x_${split}`, 'X', `X_${split}`], 'images')!;
    const rows = { rows: options.limit, maxBytes: options.maxBytes };
    const x = await readNpzArray(archive, xName, rows);
    let labels;
    let labelsName: string | undefined;
    if (options.labels !== undefined) labels = await readLabelValues(options.labels);
    else {
      labelsName = pick(options.arrays?.labels, ['y', 'labels', `y_${split}`, 'Y', `Y_${split}`], 'labels');
      if (labelsName === undefined) throw new DataSourceError(path, `has no labels array named y | labels | y_${split} (arrays: ${names.join(', ')}); name it with arrays: { labels: '…' } or pass labels`);
      const array = await readNpzArray(archive, labelsName, { maxBytes: options.maxBytes });
      if (array.shape.length !== 1 && !(array.shape.length === 2 && array.shape[1] === 1)) {
        throw new DataSourceError(`${path}[${labelsName}]`, `has shape (${array.shape.join(', ')}); labels are one integer per image, shape (n,) or (n, 1)`);
      }
      labels = { values: array.data, from: `${path}[${labelsName}]` };
    }
    const splitUsed = xName.endsWith('_train') || xName.endsWith('_test') ? split : undefined;
    return await numpyDataset(x, `${path}[${xName}]`, 'npz', labels, { ...options, ...(splitUsed === undefined ? {} : { split: splitUsed }) }, [`arrays: x = ${xName}${labelsName === undefined ? '' : `, labels = ${labelsName}`}`]);
  } finally {
    await file.close();
  }
}

async function numpyDataset(
  x: NpyArray,
  source: string,
  kind: string,
  labels: Awaited<ReturnType<typeof readLabelValues>>,
  options: ImageDatasetOptions,
  notes: string[],
): Promise<ImageDataset> {
  if (x.dtype === 'bool') notes.push('bool values read as 0 and 1');
  const count = x.fileShape[0] ?? 0;
  const resolved = resolveLabels(labels.values, {
    classNames: await readClassNames(options.classNames),
    numClasses: options.numClasses,
    expectedCount: count,
    keep: options.limit,
    source: labels.from,
    dataSource: source,
  });
  return imageDatasetFromArray(x, { ...resolved, from: labels.from }, { source, kind, dtype: x.dtype, bytes: x.dtype === 'uint8', split: options.split, notes }, options);
}
