import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx } from '../idx.js';

/** Pixel value of image k at (r, c) in the tiny generated sets: a closed form the tests can recompute. */
export function tinyPixel(k: number, r: number, c: number): number {
  return (k * 31 + r * 7 + c * 3) % 256;
}

export function tinyLabel(k: number): number {
  return (k * 3) % 10;
}

/** Writes the four IDX files of a tiny dataset (count train, testCount test images of h×w) into a fresh directory. */
export function writeTinyDataset(
  { count = 12, testCount = 5, height = 4, width = 3, gzip = false, dir = mkdtempSync(join(tmpdir(), 'liftguard-idx-')) } = {},
): string {
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  const images = (n: number, offset: number) => {
    const data = new Uint8Array(n * height * width);
    for (let k = 0; k < n; k++) for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[(k * height + r) * width + c] = tinyPixel(k + offset, r, c);
    return encodeIdx({ type: 'uint8', dims: [n, height, width], data });
  };
  const labels = (n: number, offset: number) => encodeIdx({ type: 'uint8', dims: [n], data: Uint8Array.from({ length: n }, (_, k) => tinyLabel(k + offset)) });
  write('train-images-idx3-ubyte', images(count, 0));
  write('train-labels-idx1-ubyte', labels(count, 0));
  write('t10k-images-idx3-ubyte', images(testCount, 1000));
  write('t10k-labels-idx1-ubyte', labels(testCount, 1000));
  return dir;
}
