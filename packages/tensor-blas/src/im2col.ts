import type { backend_util } from '@tensorflow/tfjs-core';

type ConvInfo = backend_util.Conv2DInfo;

/** Columns per output pixel: one per filter tap and input channel, in the filter's [h, w, in] order. */
export const patchSize = (c: ConvInfo): number => c.filterHeight * c.filterWidth * c.inChannels;

/** A 1×1 stride-1 unpadded convolution is a plain matrix product on the input itself. */
export function isPointwise(c: ConvInfo): boolean {
  return (
    c.filterHeight === 1 && c.filterWidth === 1 && c.strideHeight === 1 && c.strideWidth === 1 &&
    c.padInfo.top === 0 && c.padInfo.left === 0 && c.outHeight === c.inHeight && c.outWidth === c.inWidth
  );
}

/** Writes the patches of images [first, first + count) of NHWC `x` as rows of `col`. */
export function im2col(c: ConvInfo, x: Float32Array, first: number, count: number, col: Float32Array): void {
  const { inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const k = fh * fw * ch;
  let row = 0;
  for (let b = first; b < first + count; b++) {
    const image = b * h * w * ch;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, row++) {
        let dst = row * k;
        for (let fy = 0; fy < fh; fy++) {
          const iy = oy * sh - top + fy * dh;
          for (let fx = 0; fx < fw; fx++, dst += ch) {
            const ix = ox * sw - left + fx * dw;
            // Plain loops: fill/set/subarray cost a call or an allocation per tap.
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) for (let i = 0; i < ch; i++) col[dst + i] = 0;
            else {
              const src = image + (iy * w + ix) * ch;
              for (let i = 0; i < ch; i++) col[dst + i] = x[src + i]!;
            }
          }
        }
      }
    }
  }
}

/** Adds the rows of `col` back onto images [first, first + count) of NHWC `dx` (the adjoint of im2col). */
export function col2imAdd(c: ConvInfo, col: Float32Array, first: number, count: number, dx: Float32Array): void {
  const { inHeight: h, inWidth: w, inChannels: ch, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  const k = fh * fw * ch;
  let row = 0;
  for (let b = first; b < first + count; b++) {
    const image = b * h * w * ch;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, row++) {
        let src = row * k;
        for (let fy = 0; fy < fh; fy++) {
          const iy = oy * sh - top + fy * dh;
          for (let fx = 0; fx < fw; fx++, src += ch) {
            const ix = ox * sw - left + fx * dw;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            const dst = image + (iy * w + ix) * ch;
            for (let i = 0; i < ch; i++) dx[dst + i]! += col[src + i]!;
          }
        }
      }
    }
  }
}

/** Images per im2col chunk so that the patch matrix stays under `maxFloats` (at least one image). */
export function imagesPerChunk(c: ConvInfo, maxFloats: number): number {
  const perImage = c.outHeight * c.outWidth * patchSize(c);
  return Math.max(1, Math.min(c.batchSize, Math.floor(maxFloats / Math.max(perImage, 1))));
}
