import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Pixel (r, c) of channel ch in CIFAR record k: a closed form the tests recompute after the CHW → HWC reordering. */
export function cifarPixel(k: number, r: number, c: number, ch: number): number {
  return (k * 41 + r * 7 + c * 3 + ch * 85) % 256;
}

export const cifarLabel = (k: number, classes: number) => (k * 7) % classes;

/** Records k0 … k0+n−1 in CIFAR's layout: label byte(s), then the R, G and B planes (each row-major 32×32). */
export function cifarRecords(k0: number, n: number, variant: 'cifar-10' | 'cifar-100'): Uint8Array {
  const labelBytes = variant === 'cifar-10' ? 1 : 2;
  const record = labelBytes + 3072;
  const out = new Uint8Array(n * record);
  for (let i = 0; i < n; i++) {
    const k = k0 + i;
    const at = i * record;
    if (variant === 'cifar-10') out[at] = cifarLabel(k, 10);
    else {
      out[at] = cifarLabel(k, 20); // coarse
      out[at + 1] = cifarLabel(k, 100); // fine
    }
    for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) out[at + labelBytes + ch * 1024 + r * 32 + c] = cifarPixel(k, r, c, ch);
  }
  return out;
}

/** Writes cifar-10-batches-bin/ (5 train batches of `perBatch` records, a test batch, batches.meta.txt) under `root`. */
export function writeTinyCifar10(root: string, perBatch = 3, testCount = 4): string {
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), cifarRecords((b - 1) * perBatch, perBatch, 'cifar-10'));
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(1000, testCount, 'cifar-10'));
  writeFileSync(join(dir, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n');
  return dir;
}
