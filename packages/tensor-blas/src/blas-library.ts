import { createRequire } from 'node:module';
import type * as KoffiModule from 'koffi';

/** cblas_sgemm bound to a native library: row-major C = alpha·op(A)·op(B) + beta·C. */
export type Sgemm = (
  transposeA: boolean,
  transposeB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/** A loaded BLAS library. */
export interface BlasLibrary {
  /** Short name for reports, e.g. "OpenBLAS 0.3.21 (pthread)" or "Accelerate". */
  name: string;
  /** What was loaded (a path or a name the dynamic loader resolved). */
  path: string;
  sgemm: Sgemm;
  /** Sets the library's thread count; undefined when the library has no such call. */
  setThreads?: (count: number) => void;
  /** The library's thread count; undefined when the library does not say. */
  getThreads?: () => number;
}

/** Why no library could be used, in one line. */
export interface BlasLoadFailure {
  reason: string;
}

const rowMajor = 101;
const noTrans = 111;
const trans = 112;

type Platform = NodeJS.Platform;

/** LIFTGUARD_BLAS values that mean "use the plain wasm kernels". */
export const isOff = (value: string): boolean => /^(off|0|false|none)$/i.test(value.trim());

/** Libraries tried in order when LIFTGUARD_BLAS names none; optimized BLAS only (reference BLAS is slower than wasm). */
export function candidateLibraries(platform: Platform = process.platform, arch: string = process.arch): string[] {
  if (platform === 'darwin') {
    return [
      '/System/Library/Frameworks/Accelerate.framework/Accelerate',
      '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
      '/usr/local/opt/openblas/lib/libopenblas.dylib',
    ];
  }
  if (platform === 'win32') return ['libopenblas.dll', 'openblas.dll'];
  const multiarch = arch === 'arm64' ? 'aarch64-linux-gnu' : arch === 'x64' ? 'x86_64-linux-gnu' : `${arch}-linux-gnu`;
  return [
    'libopenblas.so.0',
    `/usr/lib/${multiarch}/openblas-pthread/libopenblas.so.0`,
    `/usr/lib/${multiarch}/openblas-openmp/libopenblas.so.0`,
    `/usr/lib/${multiarch}/openblas-serial/libopenblas.so.0`,
    '/usr/lib64/libopenblas.so.0',
    'libopenblas.so',
  ];
}

export type Koffi = typeof KoffiModule;

export function loadKoffi(): Koffi {
  // koffi is CommonJS with prebuilt binaries for each platform inside its package.
  return createRequire(import.meta.url)('koffi') as Koffi;
}

function describe(path: string, config: () => string | undefined): string {
  if (/Accelerate/.test(path)) return 'Accelerate';
  const detail = config();
  if (detail) {
    const version = /OpenBLAS\s+([\d.]+)/.exec(detail)?.[1];
    const flavour = /USE_OPENMP/.test(detail) ? 'openmp' : /SINGLE_THREADED|NO_AFFINITY/.test(detail) && !/MAX_THREADS/.test(detail) ? 'serial' : '';
    return `OpenBLAS${version ? ` ${version}` : ''}${flavour ? ` (${flavour})` : ''}`;
  }
  if (/openblas/i.test(path)) return 'OpenBLAS';
  return path.split(/[\\/]/).pop() ?? path;
}

/** Checks a loaded sgemm on a 2×3·3×2 product with a known answer, every transpose flag. */
function selfTest(sgemm: Sgemm): string | undefined {
  const a = Float32Array.of(1, 2, 3, 4, 5, 6); // 2×3
  const b = Float32Array.of(7, 8, 9, 10, 11, 12); // 3×2
  const expected = [58, 64, 139, 154];
  const c = new Float32Array(4);
  sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2);
  if (expected.some((v, i) => c[i] !== v)) return `cblas_sgemm self-test gave [${Array.from(c).join(', ')}], expected [${expected.join(', ')}]`;
  const aT = Float32Array.of(1, 4, 2, 5, 3, 6); // Aᵀ stored 3×2
  const bT = Float32Array.of(7, 9, 11, 8, 10, 12); // Bᵀ stored 2×3
  c.fill(0);
  sgemm(true, true, 2, 2, 3, 1, aT, 2, bT, 3, 0, c, 2);
  if (expected.some((v, i) => c[i] !== v)) return `cblas_sgemm self-test (transposed) gave [${Array.from(c).join(', ')}]`;
  return undefined;
}

function bind(koffi: Koffi, path: string): BlasLibrary {
  const lib = koffi.load(path);
  const raw = lib.func(
    'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
  );
  const sgemm: Sgemm = (tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) =>
    raw(rowMajor, tA ? trans : noTrans, tB ? trans : noTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const optional = <T>(signature: string): T | undefined => {
    try {
      return lib.func(signature) as T;
    } catch {
      return undefined;
    }
  };
  const setThreads = optional<(n: number) => void>('void openblas_set_num_threads(int n)');
  const getThreads = optional<() => number>('int openblas_get_num_threads()');
  const getConfig = optional<() => string>('const char *openblas_get_config()');
  const library: BlasLibrary = { name: describe(path, () => getConfig?.()), path, sgemm };
  if (setThreads) library.setThreads = (count) => setThreads(count);
  if (getThreads) library.getThreads = () => getThreads();
  return library;
}

export function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? '';
}

/**
 * Finds and loads the system BLAS: the path in `LIFTGUARD_BLAS` when set, otherwise the
 * platform's usual optimized BLAS. `LIFTGUARD_BLAS=off` turns it off. Never throws.
 */
export function loadBlasLibrary(requested: string | undefined = process.env.LIFTGUARD_BLAS || undefined): BlasLibrary | BlasLoadFailure {
  if (requested !== undefined && isOff(requested)) return { reason: `turned off by LIFTGUARD_BLAS=${requested}` };
  let koffi: Koffi;
  try {
    koffi = loadKoffi();
  } catch (error) {
    return { reason: `koffi failed to load: ${firstLine(error)}` };
  }
  const candidates = requested !== undefined ? [requested.trim()] : candidateLibraries();
  const failures: string[] = [];
  for (const path of candidates) {
    let library: BlasLibrary;
    try {
      library = bind(koffi, path);
    } catch (error) {
      failures.push(`${path}: ${firstLine(error)}`);
      continue;
    }
    const wrong = selfTest(library.sgemm);
    if (wrong) {
      failures.push(`${path}: ${wrong}`);
      continue;
    }
    return library;
  }
  if (requested !== undefined) return { reason: `LIFTGUARD_BLAS=${requested} could not be used (${failures[0]})` };
  const hint =
    process.platform === 'linux'
      ? 'install libopenblas0-pthread (Debian/Ubuntu) or openblas (Fedora), or set LIFTGUARD_BLAS to a libopenblas path'
      : process.platform === 'win32'
        ? 'put libopenblas.dll on PATH or set LIFTGUARD_BLAS to its path'
        : 'set LIFTGUARD_BLAS to a BLAS library path';
  return { reason: `no BLAS library found (${hint})` };
}
