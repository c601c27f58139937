import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Pixel (r, c, ch) of test image k: a closed form the tests recompute. */
export function imagePixel(k: number, r: number, c: number, ch: number): number {
  return (k * 29 + r * 11 + c * 5 + ch * 70) % 256;
}

/** RGBA bytes of image k; gray images repeat one value in R, G and B. */
export function rgba(k: number, height: number, width: number, gray: boolean, alpha = 255): Uint8Array {
  const out = new Uint8Array(height * width * 4);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      for (let ch = 0; ch < 3; ch++) out[(r * width + c) * 4 + ch] = imagePixel(k, r, c, gray ? 0 : ch);
      out[(r * width + c) * 4 + 3] = alpha;
    }
  }
  return out;
}

/** A PNG of image k (pngjs: colorType 0 gray, 2 RGB, 6 RGBA). */
export function pngBytes(k: number, height: number, width: number, colorType: 0 | 2 | 6 = 2): Uint8Array {
  const png = new PNG({ width, height, colorType, inputColorType: 6, inputHasAlpha: true });
  png.data = Buffer.from(rgba(k, height, width, colorType === 0, colorType === 6 ? 100 : 255));
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

export function jpegBytes(k: number, height: number, width: number, quality = 95): Uint8Array {
  return jpeg.encode({ data: rgba(k, height, width, false), width, height }, quality).data;
}

export function writeFile(path: string, bytes: Uint8Array | string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
