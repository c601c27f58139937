import { describe, expect, it } from 'vitest';
import { loadLoopsLibrary, type LoopsLibrary } from './loops-library.js';

// The build compiles the loops wherever a C compiler exists; CI has one, so there they must load.
const loaded = loadLoopsLibrary(undefined);
const loops: LoopsLibrary | null = 'adamStep' in loaded ? loaded : null;

const wave = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233));

describe('loading the compiled loops', () => {
  it('loads under CI (the build compiled them), else says why not in one line', () => {
    if (process.env.CI === 'true') expect(loaded).toHaveProperty('adamStep');
    if (!loops) expect((loaded as { reason: string }).reason).not.toMatch(/\n/);
  });

  it('LIFTGUARD_LOOPS=off and a missing file are refused with a reason', () => {
    expect(loadLoopsLibrary('off')).toEqual({ reason: 'turned off by LIFTGUARD_LOOPS=off' });
    expect((loadLoopsLibrary('/nonexistent/liftguard-loops.so') as { reason: string }).reason).toMatch(/^\/nonexistent\/liftguard-loops\.so: /);
  });
});

describe.skipIf(loops === null)('the compiled loops equal their formulas bit for bit', () => {
  it('APGD L∞ momentum step: the listed rows only, clipped to the ε-box in the bounds, next may be previous', () => {
    const rows = 5;
    const width = 37;
    // Values at the bounds and gradients of both signs and zero, as on MNIST.
    const x = Float32Array.from(wave(rows * width, 1), (v) => (v > 0.5 ? 1 : v < -0.2 ? 0 : (v + 0.2) / 0.7));
    const current = Float32Array.from(x, (v, i) => Math.min(1, Math.max(0, v + 0.08 * Math.sin(i))));
    const previous = Float32Array.from(x, (v, i) => Math.min(1, Math.max(0, v + 0.05 * Math.cos(i))));
    const grad = Float32Array.from(wave(rows * width, 2), (v, i) => (i % 7 === 0 ? 0 : v));
    const stepSize = Float32Array.of(0.2, 0.1, 0.05, 0.2, 0.025);
    const listed = Int32Array.of(4, 0, 2);
    const [epsilon, b0, b1, alpha] = [0.1, 0, 1, 0.75];
    const expected = Float32Array.from(previous);
    for (const r of listed) {
      for (let j = r * width; j < (r + 1) * width; j++) {
        const low = Math.fround(Math.max(x[j]! - epsilon, b0));
        const high = Math.fround(Math.min(x[j]! + epsilon, b1));
        const clip = (v: number) => Math.min(Math.max(v, low), high);
        const z = clip(current[j]! + stepSize[r]! * Math.sign(grad[j]!));
        expected[j] = clip(current[j]! + alpha * (z - current[j]!) + (1 - alpha) * (current[j]! - previous[j]!));
      }
    }
    const next = Float32Array.from(previous);
    loops!.linfMomentumStep(listed.length, listed, width, x, epsilon, b0, b1, current, next, grad, stepSize, alpha, next);
    expect(Array.from(next)).toEqual(Array.from(expected));
  });

  it('Adam step: float32 operations in the order of the tensor formulation', () => {
    const n = 1001;
    const f = Math.fround;
    const w = wave(n, 3);
    const m = Float32Array.from(wave(n, 4), (v) => v * 0.1);
    const v = Float32Array.from(wave(n, 5), (x) => x * x * 0.01);
    const g = wave(n, 6);
    const [step, b1c, b2c, ic2, eps] = [f(1e-3 / (1 - 0.9 ** 3)), f(1 - 0.9), f(1 - 0.999), f(1 / (1 - 0.999 ** 3)), f(1e-8)];
    const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
    loops!.adamStep(n, w, m, v, g, step, b1c, b2c, ic2, eps, ...out);
    for (let i = 0; i < n; i++) {
      const mi = f(m[i]! + f(b1c * f(g[i]! - m[i]!)));
      const vi = f(v[i]! + f(b2c * f(f(g[i]! * g[i]!) - v[i]!)));
      const wi = f(w[i]! - f(step * f(mi / f(f(Math.sqrt(f(vi * ic2))) + eps))));
      expect([out[0][i], out[1][i], out[2][i]]).toEqual([wi, mi, vi]);
    }
  });

  it('max |a − b|: float32 differences, the largest of them; NaN wins wherever it is, ∞ counts', () => {
    const n = 1003;
    const a = wave(n, 7);
    const b = wave(n, 8);
    let largest = 0;
    for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(Math.fround(a[i]! - b[i]!)));
    expect(loops!.maxAbsDifference(n, a, b)).toBe(largest);
    expect(loops!.maxAbsDifference(1, a.subarray(5), b.subarray(5))).toBe(Math.abs(Math.fround(a[5]! - b[5]!)));
    for (const at of [0, 500, n - 1]) {
      const withNaN = Float32Array.from(a);
      withNaN[at] = NaN;
      expect(loops!.maxAbsDifference(n, withNaN, b)).toBeNaN();
    }
    const withInfinity = Float32Array.from(b);
    withInfinity[17] = -Infinity;
    expect(loops!.maxAbsDifference(n, a, withInfinity)).toBe(Infinity);
  });

  it('power iterations on K Kᵀ: the recurrence in float64 to float rounding, and σ² of a kernel with known singular values', () => {
    const [rows, cols] = [23, 11];
    const k = wave(rows * cols, 9);
    const start = wave(rows, 10);
    const iterations = 4;
    // The recurrence of estimateSpectralNorm, in float64.
    let v = Array.from(start);
    const unit = (x: number[]) => {
      const norm = Math.sqrt(x.reduce((s, y) => s + y * y, 0));
      return { norm, unit: x.map((y) => y / (norm + 1e-30)) };
    };
    v = unit(v).unit;
    let squared = 0;
    for (let t = 0; t < iterations; t++) {
      const u = Array.from({ length: cols }, (_, j) => v.reduce((s, vi, i) => s + vi * k[i * cols + j]!, 0));
      const w = Array.from({ length: rows }, (_, i) => u.reduce((s, uj, j) => s + k[i * cols + j]! * uj, 0));
      ({ norm: squared, unit: v } = unit(w));
    }
    const vector = new Float32Array(rows);
    const value = loops!.gramPowerIterations(rows, cols, k, start, iterations, vector);
    expect(Math.abs(value - squared)).toBeLessThan(1e-5 * squared);
    expect(Math.max(...Array.from(vector, (x, i) => Math.abs(x - v[i]!)))).toBeLessThan(1e-5);
    // K [4, 3] with singular values 3, 2, 0.5 on its diagonal: σ̂² → 9 from below, v → ±e₁.
    const diagonal = Float32Array.from([3, 0, 0, 0, 2, 0, 0, 0, 0.5, 0, 0, 0]);
    const e = new Float32Array(4);
    const converged = loops!.gramPowerIterations(4, 3, diagonal, Float32Array.from([1, 1, 1, 1]), 40, e);
    expect(converged).toBeLessThanOrEqual(9 * (1 + 1e-6));
    expect(Math.abs(converged - 9)).toBeLessThan(1e-5);
    expect(Math.abs(Math.abs(e[0]!) - 1)).toBeLessThan(1e-6);
  });

  it('sign: 1, −1, and 0 for ±0 and NaN; subnormals keep their sign', () => {
    const x = Float32Array.from([3.5, -2, 0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, ...wave(997, 11)]);
    const out = new Float32Array(x.length).fill(7);
    loops!.sign(x.length, x, out);
    expect(Array.from(out)).toEqual(Array.from(x, (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)));
    expect(Object.is(out[3], 0)).toBe(true);
  });

  it('L∞ PGD step: float32 operations in the order of the tensor composition, with and without bounds', () => {
    const n = 1009;
    const f = Math.fround;
    const x = Float32Array.from(wave(n, 12), (v) => (v + 1) / 2);
    const current = Float32Array.from(x, (v, i) => f(v + 0.1 * Math.sin(i * 0.7)));
    const grad = Float32Array.from(wave(n, 13), (v, i) => (i % 9 === 0 ? 0 : v));
    const [step, eps] = [f(0.025), f(0.1)];
    const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
    for (const bounded of [1, 0]) {
      const out = new Float32Array(n);
      loops!.linfPgdStep(n, current, grad, x, step, eps, bounded, 0, 1, out);
      for (let i = 0; i < n; i++) {
        const sign = grad[i]! > 0 ? 1 : grad[i]! < 0 ? -1 : 0;
        const moved = f(current[i]! + f(sign * step));
        const r = f(x[i]! + clamp(f(moved - x[i]!), -eps, eps));
        expect(out[i]).toBe(bounded ? clamp(r, 0, 1) : r);
      }
    }
  });
});
