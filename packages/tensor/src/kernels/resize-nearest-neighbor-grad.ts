import type { KernelBackend, KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { readFloat32, writeTensorInfo } from './backend-data.js';

/** The source row/column of each output row/column, exactly as tfjs's forward kernels pick it. */
export function nearestSources(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const ratio = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  return Int32Array.from({ length: outSize }, (_, r) => {
    const fraction = halfPixelCenters ? ratio * (r + 0.5) : ratio * r;
    const nearest = Math.min(inSize - 1, alignCorners ? Math.round(fraction) : Math.floor(fraction));
    return halfPixelCenters ? Math.max(0, nearest) : nearest;
  });
}

/**
 * tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad reads dy at the wrong offset for every
 * image after the first of a batch (and ignores halfPixelCenters). This one scatters each dy
 * value back to the pixel the forward pass copied it from.
 */
export function resizeNearestNeighborGradScatter(_original: KernelConfig): KernelFunc {
  return (args) => {
    const backend = args.backend as KernelBackend;
    const { images, dy } = args.inputs as { images: TensorInfo; dy: TensorInfo };
    const { alignCorners, halfPixelCenters } = args.attrs as unknown as ResizeNearestNeighborGradAttrs;
    const [batch, inHeight, inWidth, channels] = images.shape as [number, number, number, number];
    const [, outHeight, outWidth] = dy.shape as [number, number, number, number];
    const rows = nearestSources(inHeight, outHeight, alignCorners, halfPixelCenters);
    const columns = nearestSources(inWidth, outWidth, alignCorners, halfPixelCenters);
    const dyValues = readFloat32(backend, dy);
    const dx = new Float32Array(batch * inHeight * inWidth * channels);
    let from = 0;
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < outHeight; r++) {
        const rowBase = (b * inHeight + rows[r]!) * inWidth;
        for (let c = 0; c < outWidth; c++) {
          const to = (rowBase + columns[c]!) * channels;
          for (let d = 0; d < channels; d++) dx[to + d]! += dyValues[from++]!;
        }
      }
    }
    return writeTensorInfo(backend, dx, [batch, inHeight, inWidth, channels], 'float32');
  };
}
