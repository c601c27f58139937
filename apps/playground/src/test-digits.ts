import { assetUrl } from './asset-url';

/** The MNIST test digits shipped in public/digits.{json,bin}: pixels in [0, 1]. */
export interface TestDigits {
  readonly count: number;
  readonly pixelsPerImage: number;
  readonly labels: readonly number[];
  image(index: number): Float32Array;
  batch(count: number): { pixels: Float32Array; labels: Int32Array };
}

export async function loadTestDigits(): Promise<TestDigits> {
  const index = (await (await fetch(assetUrl('digits.json'))).json()) as { count: number; height: number; width: number; labels: number[] };
  const bytes = new Uint8Array(await (await fetch(assetUrl('digits.bin'))).arrayBuffer());
  const pixelsPerImage = index.height * index.width;
  if (bytes.length !== index.count * pixelsPerImage) throw new Error(`digits.bin has ${bytes.length} bytes, expected ${index.count * pixelsPerImage}`);
  const toUnit = (from: number, to: number) => Float32Array.from(bytes.subarray(from, to), (b) => b / 255);
  return {
    count: index.count,
    pixelsPerImage,
    labels: index.labels,
    image: (i) => toUnit(i * pixelsPerImage, (i + 1) * pixelsPerImage),
    batch: (n) => ({ pixels: toUnit(0, n * pixelsPerImage), labels: Int32Array.from(index.labels.slice(0, n)) }),
  };
}
