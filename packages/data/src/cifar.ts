import { DataSourceError } from './data-source-error.js';

/** The two CIFAR binary layouts: CIFAR-10 (1 label byte) and CIFAR-100 (coarse and fine label bytes). */
export type CifarVariant = 'cifar-10' | 'cifar-100';

export const cifarSide = 32;
const pixelBytes = 3 * cifarSide * cifarSide;

/** Bytes per record: the label byte(s), then 3072 pixel bytes (the red, green and blue planes, each row-major 32×32). */
export function cifarRecordBytes(variant: CifarVariant): number {
  return (variant === 'cifar-10' ? 1 : 2) + pixelBytes;
}

/** Which label a CIFAR-100 record gives: the 100 fine classes (default) or the 20 coarse superclasses. */
export type CifarLabelKind = 'fine' | 'coarse';

/** Decoded CIFAR records: pixels as bytes in NHWC order (n × 32 × 32 × 3), labels as ints. */
export interface CifarRecords {
  readonly pixels: Uint8Array;
  readonly labels: Int32Array;
  readonly count: number;
}

/** The number of classes of a variant's labels. */
export function cifarClassCount(variant: CifarVariant, labelKind: CifarLabelKind = 'fine'): number {
  return variant === 'cifar-10' ? 10 : labelKind === 'fine' ? 100 : 20;
}

/**
 * Decodes whole CIFAR records (planar CHW bytes → interleaved HWC), checking that the bytes are
 * a whole number of records and that every label is a class. `source` names the file in errors.
 */
export function parseCifarRecords(bytes: Uint8Array, variant: CifarVariant, source: string, labelKind: CifarLabelKind = 'fine'): CifarRecords {
  const recordBytes = cifarRecordBytes(variant);
  if (bytes.length % recordBytes !== 0) {
    throw new DataSourceError(source, `is ${bytes.length} bytes, not a whole number of ${recordBytes}-byte ${variant} records (truncated or not ${variant})`);
  }
  const count = bytes.length / recordBytes;
  const classes = cifarClassCount(variant, labelKind);
  const labelOffset = variant === 'cifar-10' || labelKind === 'coarse' ? 0 : 1;
  const labelBytes = recordBytes - pixelBytes;
  const plane = cifarSide * cifarSide;
  const pixels = new Uint8Array(count * pixelBytes);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const record = k * recordBytes;
    const label = bytes[record + labelOffset]!;
    if (label >= classes) throw new DataSourceError(source, `record ${k} has label ${label}, not a ${variant} class in 0..${classes - 1} (not a ${variant} file?)`);
    labels[k] = label;
    const from = record + labelBytes;
    const to = k * pixelBytes;
    for (let p = 0; p < plane; p++) {
      pixels[to + 3 * p] = bytes[from + p]!;
      pixels[to + 3 * p + 1] = bytes[from + plane + p]!;
      pixels[to + 3 * p + 2] = bytes[from + 2 * plane + p]!;
    }
  }
  return { pixels, labels, count };
}
