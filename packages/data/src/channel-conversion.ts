/** How pixels of one channel count become another: named so that a dataset's description can state it. */
export type ChannelConversion = 'none' | 'replicate gray' | 'luma (BT.601)' | 'drop alpha' | 'luma (BT.601), drop alpha' | 'drop alpha, replicate gray';

/** ITU-R BT.601 luma weights, as Pillow's convert('L') uses. */
const luma = [0.299, 0.587, 0.114] as const;

export function channelConversion(from: number, to: number): ChannelConversion {
  if (from === to) return 'none';
  if (from === 1 && to === 3) return 'replicate gray';
  if (from === 3 && to === 1) return 'luma (BT.601)';
  if (from === 4 && to === 3) return 'drop alpha';
  if (from === 4 && to === 1) return 'luma (BT.601), drop alpha';
  if (from === 2 && to === 1) return 'drop alpha';
  if (from === 2 && to === 3) return 'drop alpha, replicate gray';
  throw new Error(`cannot convert images with ${from} channels to ${to} channels (supported: 1, 2 = gray + alpha, 3 = RGB, 4 = RGBA)`);
}

/** Converts `count` HWC pixels from `from` to `to` channels (alpha is dropped, not composited). */
export function convertChannels(pixels: Float32Array, count: number, from: number, to: number): Float32Array {
  channelConversion(from, to);
  if (from === to) return pixels;
  const out = new Float32Array(count * to);
  for (let p = 0; p < count; p++) {
    const s = p * from;
    if (to === 1) out[p] = from >= 3 ? luma[0] * pixels[s]! + luma[1] * pixels[s + 1]! + luma[2] * pixels[s + 2]! : pixels[s]!;
    else if (from >= 3) for (let ch = 0; ch < 3; ch++) out[3 * p + ch] = pixels[s + ch]!;
    else out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = pixels[s]!;
  }
  return out;
}
