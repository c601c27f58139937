// Plain-JavaScript forward passes, written from the definitions of the layers and sharing
// no code with the package: the oracles of the predict and PyTorch-import tests.

/** A layer of a PyTorch-style (NCHW) network with PyTorch-layout weights. */
export type TorchLayer =
  | { type: 'conv'; weight: Float32Array; bias?: Float32Array; out: number; in: number; k: [number, number]; stride: [number, number]; pad: [number, number] }
  | { type: 'linear'; weight: Float32Array; bias?: Float32Array; out: number; in: number }
  | { type: 'relu' }
  | { type: 'flatten' };

/** Forward pass of one example given as CHW values; returns the logits. */
export function torchForward(layers: TorchLayer[], input: Float64Array | Float32Array, chw: [number, number, number]): number[] {
  let values = Array.from(input);
  let [c, h, w] = chw;
  for (const layer of layers) {
    if (layer.type === 'relu') values = values.map((v) => Math.max(0, v));
    else if (layer.type === 'flatten') {
      // NCHW flatten: channel-major, as torch.flatten(x, 1).
      [c, h, w] = [c * h * w, 1, 1];
    } else if (layer.type === 'linear') {
      const out: number[] = [];
      for (let o = 0; o < layer.out; o++) {
        let s = layer.bias ? layer.bias[o]! : 0;
        for (let i = 0; i < layer.in; i++) s += layer.weight[o * layer.in + i]! * values[i]!;
        out.push(s);
      }
      values = out;
      [c, h, w] = [layer.out, 1, 1];
    } else {
      const [kh, kw] = layer.k;
      const outH = Math.floor((h + 2 * layer.pad[0] - kh) / layer.stride[0]) + 1;
      const outW = Math.floor((w + 2 * layer.pad[1] - kw) / layer.stride[1]) + 1;
      const out = new Array<number>(layer.out * outH * outW).fill(0);
      for (let o = 0; o < layer.out; o++)
        for (let y = 0; y < outH; y++)
          for (let x = 0; x < outW; x++) {
            let s = layer.bias ? layer.bias[o]! : 0;
            for (let ci = 0; ci < layer.in; ci++)
              for (let i = 0; i < kh; i++)
                for (let j = 0; j < kw; j++) {
                  const iy = y * layer.stride[0] + i - layer.pad[0];
                  const ix = x * layer.stride[1] + j - layer.pad[1];
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                  s += layer.weight[((o * layer.in + ci) * kh + i) * kw + j]! * values[(ci * h + iy) * w + ix]!;
                }
            out[(o * outH + y) * outW + x] = s;
          }
      values = out;
      [c, h, w] = [layer.out, outH, outW];
    }
  }
  return values;
}

/** Conv2d of one HWC example with an HWIO kernel and explicit [top, bottom, left, right] padding. */
export function hwcConv(
  input: ArrayLike<number>,
  [h, w, c]: [number, number, number],
  kernel: ArrayLike<number>,
  [kh, kw, out]: [number, number, number],
  [sy, sx]: [number, number],
  [top, bottom, left, right]: [number, number, number, number],
  bias?: ArrayLike<number>,
): { values: number[]; shape: [number, number, number] } {
  const outH = Math.floor((h + top + bottom - kh) / sy) + 1;
  const outW = Math.floor((w + left + right - kw) / sx) + 1;
  const values = new Array<number>(outH * outW * out).fill(0);
  for (let y = 0; y < outH; y++)
    for (let x = 0; x < outW; x++)
      for (let o = 0; o < out; o++) {
        let s = bias ? bias[o]! : 0;
        for (let i = 0; i < kh; i++)
          for (let j = 0; j < kw; j++) {
            const iy = y * sy + i - top;
            const ix = x * sx + j - left;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let ci = 0; ci < c; ci++) s += kernel[((i * kw + j) * c + ci) * out + o]! * input[(iy * w + ix) * c + ci]!;
          }
        values[(y * outW + x) * out + o] = s;
      }
  return { values, shape: [outH, outW, out] };
}

/** x W + b for one example, W of shape [in, out]. */
export function denseForward(input: ArrayLike<number>, kernel: ArrayLike<number>, [fanIn, out]: [number, number], bias?: ArrayLike<number>): number[] {
  const values: number[] = [];
  for (let o = 0; o < out; o++) {
    let s = bias ? bias[o]! : 0;
    for (let i = 0; i < fanIn; i++) s += input[i]! * kernel[i * out + o]!;
    values.push(s);
  }
  return values;
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
