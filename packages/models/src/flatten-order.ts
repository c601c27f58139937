import type { ResolvedLayer } from './resolve-spec.js';

/**
 * For each input row of a dense layer in our NHWC flatten order (h, w, c), its index in
 * PyTorch's NCHW order (c, h, w); the identity unless the layer follows a flattened conv output.
 */
export function pytorchRowOrder(layer: ResolvedLayer, fanIn: number): Int32Array {
  const [h, wd, c] = layer.flattenedFrom?.length === 3 ? (layer.flattenedFrom as [number, number, number]) : [1, 1, fanIn];
  const order = new Int32Array(fanIn);
  for (let y = 0; y < h; y++) for (let x = 0; x < wd; x++) for (let ch = 0; ch < c; ch++) order[(y * wd + x) * c + ch] = (ch * h + y) * wd + x;
  return order;
}
