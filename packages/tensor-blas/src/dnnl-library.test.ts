import { describe, expect, it } from 'vitest';
import { candidateDnnlLibraries, loadDnnlLibrary, type ConvActivation, type ConvGeometry, type DnnlLibrary } from './dnnl-library.js';

// CI installs libdnnl2; elsewhere the oneDNN checks are skipped and the loading checks still run.
const loaded = loadDnnlLibrary(undefined);
const dnnl: DnnlLibrary | null = 'forward' in loaded ? loaded : null;

const random = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

/** Independent oracle: the textbook loops over NHWC input, HWIO (or depthwise [h, w, in, multiplier]) filter. */
function naive(g: ConvGeometry, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const y = new Float64Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  for (let n = 0; n < g.batch; n++)
    for (let oy = 0; oy < g.outHeight; oy++)
      for (let ox = 0; ox < g.outWidth; ox++)
        for (let o = 0; o < g.outChannels; o++) {
          const yi = ((n * g.outHeight + oy) * g.outWidth + ox) * g.outChannels + o;
          const group = Math.floor(o / outPerGroup);
          for (let ky = 0; ky < g.filterHeight; ky++)
            for (let kx = 0; kx < g.filterWidth; kx++) {
              const iy = oy * g.strideHeight - g.padTop + ky * g.dilationHeight;
              const ix = ox * g.strideWidth - g.padLeft + kx * g.dilationWidth;
              if (iy < 0 || ix < 0 || iy >= g.inHeight || ix >= g.inWidth) continue;
              for (let j = 0; j < inPerGroup; j++) {
                const c = group * inPerGroup + j;
                const xi = ((n * g.inHeight + iy) * g.inWidth + ix) * g.inChannels + c;
                // Plain: [ky][kx][c][o]; depthwise: [ky][kx][c][o mod multiplier].
                const wi = g.groups === 1 ? ((ky * g.filterWidth + kx) * g.inChannels + c) * g.outChannels + o : ((ky * g.filterWidth + kx) * g.inChannels + c) * outPerGroup + (o % outPerGroup);
                y[yi]! += x[xi]! * w[wi]!;
                dx[xi]! += dy[yi]! * w[wi]!;
                dw[wi]! += dy[yi]! * x[xi]!;
              }
            }
        }
  return { y, dx, dw };
}

function worstRelative(actual: Float32Array, expected: Float64Array | number[]): number {
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst / scale;
}

const base = { dilationHeight: 1, dilationWidth: 1, groups: 1 };
const geometries: [string, ConvGeometry][] = [
  ['3×3 stride 2 pad 1, 1 → 8 channels (CNNLight)', { ...base, batch: 3, inHeight: 28, inWidth: 28, inChannels: 1, outHeight: 14, outWidth: 14, outChannels: 8, filterHeight: 3, filterWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 }],
  ['5×3 valid, strides [1, 2], odd sizes (padding on the far side is negative)', { ...base, batch: 2, inHeight: 9, inWidth: 10, inChannels: 3, outHeight: 5, outWidth: 4, outChannels: 5, filterHeight: 5, filterWidth: 3, strideHeight: 1, strideWidth: 2, padTop: 0, padLeft: 0 }],
  ['1×1 pointwise', { ...base, batch: 2, inHeight: 4, inWidth: 5, inChannels: 16, outHeight: 4, outWidth: 5, outChannels: 24, filterHeight: 1, filterWidth: 1, strideHeight: 1, strideWidth: 1, padTop: 0, padLeft: 0 }],
  ['3×3 dilated 2, same padding', { ...base, batch: 2, inHeight: 8, inWidth: 7, inChannels: 4, outHeight: 8, outWidth: 7, outChannels: 6, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, dilationHeight: 2, dilationWidth: 2, padTop: 2, padLeft: 2 }],
  ['depthwise 3×3 stride 2, multiplier 2', { ...base, groups: 6, batch: 2, inHeight: 9, inWidth: 9, inChannels: 6, outHeight: 5, outWidth: 5, outChannels: 12, filterHeight: 3, filterWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 }],
  ['depthwise 3×3 same, multiplier 1 (MobileNet)', { ...base, groups: 32, batch: 2, inHeight: 7, inWidth: 7, inChannels: 32, outHeight: 7, outWidth: 7, outChannels: 32, filterHeight: 3, filterWidth: 3, strideHeight: 1, strideWidth: 1, padTop: 1, padLeft: 1 }],
];

const filterSize = (g: ConvGeometry) => g.filterHeight * g.filterWidth * g.inChannels * (g.outChannels / g.groups);

describe('finding oneDNN', () => {
  it('tries the usual oneDNN 2 names of each platform', () => {
    expect(candidateDnnlLibraries('linux', 'x64')).toContain('/usr/lib/x86_64-linux-gnu/libdnnl.so.2');
    expect(candidateDnnlLibraries('darwin', 'arm64')[0]).toMatch(/onednn\/lib\/libdnnl\.2\.dylib$/);
    expect(candidateDnnlLibraries('win32', 'x64')).toEqual(['dnnl.dll']);
  });

  it('LIFTGUARD_DNNL=off loads nothing', () => {
    expect(loadDnnlLibrary('off')).toEqual({ reason: 'turned off by LIFTGUARD_DNNL=off' });
  });

  it('an unloadable path and a library without oneDNN give one-line reasons, never a throw', () => {
    const missing = loadDnnlLibrary('/nonexistent/libdnnl.so.2');
    expect((missing as { reason: string }).reason).toMatch(/^LIFTGUARD_DNNL=\/nonexistent\/libdnnl\.so\.2 could not be used \(.+\)$/);
    const notDnnl = loadDnnlLibrary(process.platform === 'linux' ? 'libc.so.6' : process.platform === 'darwin' ? '/usr/lib/libSystem.B.dylib' : 'kernel32.dll');
    expect('reason' in notDnnl).toBe(true);
    expect((notDnnl as { reason: string }).reason).not.toMatch(/\n/);
  });
});

describe.skipIf(dnnl === null)('oneDNN convolutions equal the textbook loops (oneDNN is installed here)', () => {
  /** Forward, input and filter gradients of `g` on seeded inputs, each against the textbook loops. */
  function expectAllThreeMatch(g: ConvGeometry, seed: number): void {
    const x = random(g.batch * g.inHeight * g.inWidth * g.inChannels, seed);
    const w = random(filterSize(g), seed + 1);
    const dy = random(g.batch * g.outHeight * g.outWidth * g.outChannels, seed + 2);
    const expected = naive(g, x, w, dy);
    const y = new Float32Array(dy.length);
    const dx = new Float32Array(x.length);
    const dw = new Float32Array(w.length);
    expect(dnnl!.forward(g, x, w, null, 'linear', 0, y)).toBe(true);
    expect(dnnl!.backwardData(g, dy, w, dx)).toBe(true);
    expect(dnnl!.backwardWeights(g, x, dy, dw)).toBe(true);
    expect(worstRelative(y, expected.y)).toBeLessThan(1e-5);
    expect(worstRelative(dx, expected.dx)).toBeLessThan(1e-5);
    expect(worstRelative(dw, expected.dw)).toBeLessThan(1e-5);
  }

  for (const [name, g] of geometries) {
    it(`${name}: forward, input gradient and filter gradient`, () => expectAllThreeMatch(g, 1));
  }

  it('a batch size that is not a power of two, called repeatedly (in chunks at first, whole later), equals the textbook loops every time', () => {
    // Calls 1–3 run as 4 + 2 + 1 (the filter gradient summed over the chunks), call 4 as one primitive of batch 7.
    for (let call = 1; call <= 4; call++) expectAllThreeMatch({ ...geometries[0]![1], batch: 7 }, 7);
  });

  const activations: [ConvActivation, (v: number) => number][] = [
    ['relu', (v) => Math.max(0, v)],
    ['relu6', (v) => Math.min(6, Math.max(0, v))],
    ['leakyrelu', (v) => (v > 0 ? v : 0.1 * v)],
    ['elu', (v) => (v > 0 ? v : Math.expm1(v))],
    ['sigmoid', (v) => 1 / (1 + Math.exp(-v))],
  ];
  for (const [activation, f] of activations) {
    it(`bias + ${activation} inside the forward conv`, () => {
      const g = geometries[0]![1];
      const x = random(g.batch * g.inHeight * g.inWidth * g.inChannels, 4);
      const w = random(filterSize(g), 5);
      const bias = random(g.outChannels, 6);
      const linear = naive(g, x, w, new Float32Array(g.batch * g.outHeight * g.outWidth * g.outChannels)).y;
      const expected = Array.from(linear, (v, i) => f(v + bias[i % g.outChannels]!));
      const y = new Float32Array(linear.length);
      expect(dnnl!.forward(g, x, w, bias, activation, 0.1, y)).toBe(true);
      expect(worstRelative(y, expected)).toBeLessThan(1e-5);
    });
  }

  it('a geometry oneDNN rejects returns false (the caller runs its own kernel) instead of throwing', () => {
    const g: ConvGeometry = { ...geometries[0]![1], outHeight: 1 }; // 1 output row: far padding of −26, more than oneDNN allows
    const y = new Float32Array(g.batch * g.outHeight * g.outWidth * g.outChannels);
    expect(dnnl!.forward(g, new Float32Array(g.batch * 784), new Float32Array(72), null, 'linear', 0, y)).toBe(false);
    expect(dnnl!.backwardData(g, y, new Float32Array(72), new Float32Array(g.batch * 784))).toBe(false);
    expect(dnnl!.backwardWeights(g, new Float32Array(g.batch * 784), y, new Float32Array(72))).toBe(false);
  });

  it('reports the implementation it picked (a JIT kernel, not the reference loops)', () => {
    expect(dnnl!.forwardImplementation(geometries[0]![1])).toMatch(/jit|gemm|brg/);
  });
});
