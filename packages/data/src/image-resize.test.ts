import { describe, expect, it } from 'vitest';
import { convertChannels } from './channel-conversion.js';
import { fitGeometry, resizeAndCrop } from './image-resize.js';

/** An HWC image whose channel ch at (r, c) is f(r, c, ch). */
function image(h: number, w: number, channels: number, f: (r: number, c: number, ch: number) => number): Float32Array {
  const out = new Float32Array(h * w * channels);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let ch = 0; ch < channels; ch++) out[(r * w + c) * channels + ch] = f(r, c, ch);
  return out;
}

describe('resizeAndCrop', () => {
  it('geometry: scale to cover the target, then the centre crop', () => {
    expect(fitGeometry(32, 32, 224, 224)).toEqual({ resizedHeight: 224, resizedWidth: 224, top: 0, left: 0 });
    expect(fitGeometry(300, 400, 224, 224)).toEqual({ resizedHeight: 224, resizedWidth: 299, top: 0, left: 37 });
    expect(fitGeometry(400, 300, 100, 50)).toEqual({ resizedHeight: 100, resizedWidth: 75, top: 0, left: 12 });
  });

  it('same size is a copy; a crop without scaling takes the centre exactly', () => {
    const src = image(4, 8, 2, (r, c, ch) => r * 100 + c * 10 + ch);
    expect(resizeAndCrop(src, 4, 8, 2, 4, 8)).toEqual(src);
    expect(resizeAndCrop(src, 4, 8, 2, 4, 4)).toEqual(image(4, 4, 2, (r, c, ch) => r * 100 + (c + 2) * 10 + ch));
  });

  it('a constant image stays constant, up or down', () => {
    const src = image(7, 9, 3, (_, __, ch) => 0.25 + ch / 4);
    for (const [h, w] of [[3, 3], [20, 11], [5, 5]] as const) {
      const out = resizeAndCrop(src, 7, 9, 3, h, w);
      for (let p = 0; p < h * w; p++) for (let ch = 0; ch < 3; ch++) expect(out[p * 3 + ch]).toBeCloseTo(0.25 + ch / 4, 6);
    }
  });

  it('bilinear reproduces a linear ramp away from the borders (upscaling 2×: sample centres at (o + 0.5)/2 − 0.5)', () => {
    const src = image(6, 6, 1, (r, c) => 3 * r + c);
    const out = resizeAndCrop(src, 6, 6, 1, 12, 12);
    for (let i = 1; i < 11; i++) for (let j = 1; j < 11; j++) {
      const y = (i + 0.5) / 2 - 0.5;
      const x = (j + 0.5) / 2 - 0.5;
      expect(out[i * 12 + j]).toBeCloseTo(3 * y + x, 5);
    }
  });

  it('shrinking 2× averages (a triangle filter over 4 taps) and keeps a ramp linear inside', () => {
    const src = image(8, 8, 1, (r, c) => r + 2 * c);
    const out = resizeAndCrop(src, 8, 8, 1, 4, 4);
    for (let i = 1; i < 3; i++) for (let j = 1; j < 3; j++) expect(out[i * 4 + j]).toBeCloseTo(2 * i + 0.5 + 2 * (2 * j + 0.5), 5);
    // A checkerboard (the worst case for aliasing) shrinks to its mean, 0.5, away from the border.
    const checker = image(8, 8, 1, (r, c) => (r + c) % 2);
    const small = resizeAndCrop(checker, 8, 8, 1, 4, 4);
    for (let i = 1; i < 3; i++) for (let j = 1; j < 3; j++) expect(small[i * 4 + j]).toBeCloseTo(0.5, 6);
  });
});

describe('convertChannels', () => {
  it('gray → RGB replicates, RGB → gray is BT.601 luma, RGBA → RGB drops alpha', () => {
    expect(Array.from(convertChannels(Float32Array.from([0.5, 1]), 2, 1, 3))).toEqual([0.5, 0.5, 0.5, 1, 1, 1]);
    const [y] = convertChannels(Float32Array.from([1, 0.5, 0.25]), 1, 3, 1);
    expect(y).toBeCloseTo(0.299 + 0.587 * 0.5 + 0.114 * 0.25, 6);
    expect(Array.from(convertChannels(Float32Array.from([0.1, 0.2, 0.3, 0.9]), 1, 4, 3))).toEqual([0.1, 0.2, 0.3].map(Math.fround));
    // Luma of gray replicated is the gray value (the weights sum to 1).
    expect(convertChannels(convertChannels(Float32Array.from([0.7]), 1, 1, 3), 1, 3, 1)[0]).toBeCloseTo(0.7, 6);
    expect(() => convertChannels(new Float32Array(5), 1, 5, 3)).toThrow(/cannot convert images with 5 channels/);
  });
});
