/**
 * Resizing to a model's input: scale so that the image covers the target (the short side
 * when the target is square), with a bilinear (triangle) filter widened when shrinking so
 * that downscaling averages instead of aliasing (as Pillow's BILINEAR does), then crop the centre.
 */

/** How an h×w image maps onto a target: the scaled size and the crop's top-left corner in it. */
export interface FitGeometry {
  readonly resizedHeight: number;
  readonly resizedWidth: number;
  readonly top: number;
  readonly left: number;
}

export function fitGeometry(height: number, width: number, targetHeight: number, targetWidth: number): FitGeometry {
  const scale = Math.max(targetHeight / height, targetWidth / width);
  const resizedHeight = Math.max(targetHeight, Math.round(height * scale));
  const resizedWidth = Math.max(targetWidth, Math.round(width * scale));
  return {
    resizedHeight,
    resizedWidth,
    top: Math.floor((resizedHeight - targetHeight) / 2),
    left: Math.floor((resizedWidth - targetWidth) / 2),
  };
}

/** For `count` outputs starting at `first` of a resampling inSize → outSize: the inputs each reads and their weights. */
function filterTaps(inSize: number, outSize: number, first: number, count: number): { index: Int32Array; weight: Float64Array }[] {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const taps = [];
  for (let o = first; o < first + count; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    const index: number[] = [];
    const weight: number[] = [];
    for (let i = lo; i < hi; i++) {
      const w = 1 - Math.abs((i + 0.5 - center) / support);
      if (w > 0) {
        index.push(i);
        weight.push(w);
      }
    }
    const total = weight.reduce((a, b) => a + b, 0);
    taps.push({ index: Int32Array.from(index), weight: Float64Array.from(weight, (w) => w / total) });
  }
  return taps;
}

/** Resizes an HWC image to cover targetHeight × targetWidth and crops the centre (a copy when sizes already match). */
export function resizeAndCrop(
  pixels: Float32Array,
  height: number,
  width: number,
  channels: number,
  targetHeight: number,
  targetWidth: number,
): Float32Array {
  if (height === targetHeight && width === targetWidth) return pixels.slice();
  const { resizedHeight, resizedWidth, top, left } = fitGeometry(height, width, targetHeight, targetWidth);
  const columns = filterTaps(width, resizedWidth, left, targetWidth);
  const rows = filterTaps(height, resizedHeight, top, targetHeight);
  const across = new Float32Array(height * targetWidth * channels);
  for (let r = 0; r < height; r++) {
    for (let j = 0; j < targetWidth; j++) {
      const { index, weight } = columns[j]!;
      for (let ch = 0; ch < channels; ch++) {
        let sum = 0;
        for (let t = 0; t < index.length; t++) sum += weight[t]! * pixels[(r * width + index[t]!) * channels + ch]!;
        across[(r * targetWidth + j) * channels + ch] = sum;
      }
    }
  }
  const out = new Float32Array(targetHeight * targetWidth * channels);
  const rowValues = targetWidth * channels;
  for (let i = 0; i < targetHeight; i++) {
    const { index, weight } = rows[i]!;
    for (let v = 0; v < rowValues; v++) {
      let sum = 0;
      for (let t = 0; t < index.length; t++) sum += weight[t]! * across[index[t]! * rowValues + v]!;
      out[i * rowValues + v] = sum;
    }
  }
  return out;
}
