import { describe, expect, it } from 'vitest';
import { assertNoLeaks, initBackend } from '@liftguard/tensor';
import { imagesTensor } from './images-tensor.js';
import type { ImageSet } from './image-set.js';

const set: ImageSet = { images: Float32Array.from({ length: 5 * 12 }, (_, i) => i), labels: new Int32Array(5), count: 5, height: 2, width: 2, channels: 3, numClasses: 10 };

describe('imagesTensor', () => {
  it('cuts rows start..start+count in any input shape holding one image', async () => {
    await initBackend({ backend: 'cpu', quiet: true });
    assertNoLeaks(() => {
      const x = imagesTensor(set, [2, 2, 3], 2, 1);
      expect(x.shape).toEqual([2, 2, 2, 3]);
      // Row k holds the values 12k .. 12k + 11.
      expect(Array.from(x.dataSync()).slice(0, 2)).toEqual([12, 13]);
      expect(x.dataSync()[23]).toBe(35);
      x.dispose();
    });
  });

  it('refuses ranges outside the set and shapes that do not hold one image', () => {
    expect(() => imagesTensor(set, [12], 2, 4)).toThrow(/images 4\.\.6 are outside the set of 5/);
    expect(() => imagesTensor(set, [2, 2, 1])).toThrow(/holds 4 values but each image has 12/);
  });
});
