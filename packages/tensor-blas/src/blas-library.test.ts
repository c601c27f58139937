import { describe, expect, it } from 'vitest';
import { candidateLibraries, loadBlasLibrary, type BlasLibrary } from './blas-library.js';

/** Independent oracle: the textbook triple loop on row-major storage. */
function naiveGemm(tA: boolean, tB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[tA ? p * m + i : i * k + p]! * b[tB ? j * k + p : p * n + j]!;
      c[i * n + j] = s;
    }
  return c;
}

const random = (size: number, seed: number) => Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);

describe('finding the BLAS library', () => {
  it('tries the usual optimized BLAS of each platform', () => {
    expect(candidateLibraries('darwin', 'arm64')[0]).toMatch(/Accelerate\.framework/);
    expect(candidateLibraries('win32', 'x64')).toContain('libopenblas.dll');
    expect(candidateLibraries('linux', 'x64')).toContain('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0');
    // Reference BLAS (libblas.so.3) is slower than wasm's own kernels: never picked by default.
    expect(candidateLibraries('linux', 'x64').some((p) => /libblas\.so/.test(p))).toBe(false);
  });

  it('LIFTGUARD_BLAS=off keeps the plain kernels, without loading anything', () => {
    expect(loadBlasLibrary('off')).toEqual({ reason: 'turned off by LIFTGUARD_BLAS=off' });
  });

  it('a library that cannot be loaded gives a one-line reason naming it, never a throw', () => {
    const result = loadBlasLibrary('/nonexistent/libopenblas.so.0');
    expect('reason' in result).toBe(true);
    const reason = (result as { reason: string }).reason;
    expect(reason).toMatch(/^LIFTGUARD_BLAS=\/nonexistent\/libopenblas\.so\.0 could not be used/);
    expect(reason).not.toMatch(/\n/);
  });

  it('a library without cblas_sgemm is refused with the reason', () => {
    const result = loadBlasLibrary(process.platform === 'linux' ? 'libc.so.6' : process.platform === 'darwin' ? '/usr/lib/libSystem.B.dylib' : 'kernel32.dll');
    expect((result as { reason: string }).reason).toMatch(/cblas_sgemm/);
  });
});

const found = loadBlasLibrary(undefined);
const library = 'sgemm' in found ? (found as BlasLibrary) : undefined;

describe.skipIf(library === undefined)(`sgemm on ${library?.name ?? 'no library (skipped)'}`, () => {
  it('names the library', () => {
    expect(library!.name).toMatch(/OpenBLAS|Accelerate|blas/i);
  });

  for (const [tA, tB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`equals the triple loop with transposeA=${tA}, transposeB=${tB} (17×23·23×9)`, () => {
      const [m, n, k] = [17, 9, 23];
      const a = random(m * k, 1);
      const b = random(k * n, 2);
      const c = new Float32Array(m * n).fill(Number.NaN); // beta 0 must ignore what is there
      library!.sgemm(tA, tB, m, n, k, 1, a, tA ? m : k, b, tB ? k : n, 0, c, n);
      const expected = naiveGemm(tA, tB, m, n, k, a, b);
      for (let i = 0; i < c.length; i++) expect(Math.abs(c[i]! - expected[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(expected[i]!)));
    });
  }

  it('works on views at an offset into a larger buffer (tensors in the wasm heap)', () => {
    const heap = new Float32Array(64 + 6 + 6 + 4);
    heap.set([1, 2, 3, 4, 5, 6], 64);
    heap.set([7, 8, 9, 10, 11, 12], 70);
    library!.sgemm(false, false, 2, 2, 3, 1, heap.subarray(64, 70), 3, heap.subarray(70, 76), 2, 0, heap.subarray(76, 80), 2);
    expect(Array.from(heap.subarray(76))).toEqual([58, 64, 139, 154]);
    expect(heap.subarray(0, 64).every((v) => v === 0)).toBe(true);
  });
});
