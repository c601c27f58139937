import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { firstLine, isOff, loadKoffi } from './blas-library.js';
import { loopsLibraryFile } from './loops-file.js';

/** APGD's L∞ momentum step over flat float32 rows (see native/loops.c). */
export type LinfMomentumStep = (
  count: number,
  rows: Int32Array,
  width: number,
  x: Float32Array,
  epsilon: number,
  lowerBound: number,
  upperBound: number,
  current: Float32Array,
  previous: Float32Array,
  grad: Float32Array,
  stepSize: Float32Array,
  alpha: number,
  next: Float32Array,
) => void;

/** One Adam step over n float32 values (see native/loops.c); views into the wasm heap work. */
export type AdamStep = (
  n: number,
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  step: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  inverseCorrection2: number,
  epsilon: number,
  wOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
) => void;

/**
 * FAB's box-constrained projection of `rows` rows of d values onto their hyperplanes (see
 * native/loops.c); `out` must hold zeros. Returns 0, or -1 when it could not allocate.
 */
export type FabProjection = (
  rows: number,
  d: number,
  points: Float32Array,
  normals: Float32Array,
  offsets: Float32Array,
  l2: number,
  lowerBound: number,
  upperBound: number,
  out: Float32Array,
) => number;

/** max |a_i − b_i| over n ≥ 1 float32 values, NaN when a difference is (see native/loops.c). */
export type MaxAbsDifference = (n: number, a: Float32Array, b: Float32Array) => number;

/**
 * Power iterations on K Kᵀ for a dense kernel K [rows, cols] from `start` [rows] (see
 * native/loops.c): the last unit vector into `vector`, σ̂² returned; -1 when it could not allocate.
 */
export type GramPowerIterations = (rows: number, cols: number, k: Float32Array, start: Float32Array, iterations: number, vector: Float32Array) => number;

/** sign(x) over n float32 values: ±1, and 0 for ±0 and NaN (see native/loops.c). */
export type SignLoop = (n: number, x: Float32Array, out: Float32Array) => void;

/**
 * One L∞ PGD step over n float32 values: clip(x + clip(current + sign(g)·step − x, ±ε), low, high),
 * the bounds only when `bounded` is 1 (see native/loops.c).
 */
export type LinfPgdStep = (
  n: number,
  current: Float32Array,
  grad: Float32Array,
  x: Float32Array,
  step: number,
  epsilon: number,
  bounded: number,
  low: number,
  high: number,
  out: Float32Array,
) => void;

/** FAB's step from its two projections (fab-run.ts's stepTowardsBoundary; l2: 0 for L∞, 1 for L2). */
export type FabCombine = (
  rows: number,
  d: number,
  current: Float32Array,
  clean: Float32Array,
  fromCurrent: Float32Array,
  fromClean: Float32Array,
  l2: number,
  eta: number,
  alphaMax: number,
  low: number,
  high: number,
  next: Float32Array,
) => void;

/** The compiled fused loops. */
export interface LoopsLibrary {
  path: string;
  linfMomentumStep: LinfMomentumStep;
  fabProjection: FabProjection;
  fabCombine: FabCombine;
  adamStep: AdamStep;
  maxAbsDifference: MaxAbsDifference;
  gramPowerIterations: GramPowerIterations;
  sign: SignLoop;
  linfPgdStep: LinfPgdStep;
}

export interface LoopsLoadFailure {
  reason: string;
}

// native/loops.c's lg_loops_version.
const abiVersion = 7;

/**
 * Loads the fused loops this package compiled at build time (or the file in
 * `LIFTGUARD_LOOPS`); `LIFTGUARD_LOOPS=off` keeps the JavaScript loops. Never throws.
 */
export function loadLoopsLibrary(requested: string | undefined = process.env.LIFTGUARD_LOOPS || undefined): LoopsLibrary | LoopsLoadFailure {
  if (requested !== undefined && isOff(requested)) return { reason: `turned off by LIFTGUARD_LOOPS=${requested}` };
  // From dist/ (the package) and from src/ (its tests) alike: the build writes into dist/.
  const path = requested ?? fileURLToPath(new URL(`../dist/${loopsLibraryFile()}`, import.meta.url));
  if (requested === undefined && !existsSync(path)) return { reason: `not built for ${process.platform}-${process.arch} (no C compiler at build time)` };
  try {
    const lib = loadKoffi().load(path);
    const version = (lib.func('int32_t lg_loops_version()') as () => number)();
    if (version !== abiVersion) return { reason: `${path} implements loops version ${version}, this package needs ${abiVersion}` };
    return {
      path,
      linfMomentumStep: lib.func(
        'void lg_linf_momentum_step(int32_t count, const int32_t *rows, int32_t width, const float *x, double eps, double b0, double b1, const float *current, const float *previous, const float *grad, const float *stepSize, double alpha, float *next)',
      ) as LinfMomentumStep,
      fabProjection: lib.func(
        'int32_t lg_fab_projection(int32_t rows, int32_t d, const float *points, const float *normals, const float *offsets, int32_t l2, double b0, double b1, float *out)',
      ) as FabProjection,
      fabCombine: lib.func(
        'void lg_fab_combine(int32_t rows, int32_t d, const float *current, const float *clean, const float *fromCurrent, const float *fromClean, int32_t l2, double eta, double alphaMax, double low, double high, float *next)',
      ) as FabCombine,
      adamStep: lib.func(
        'void lg_adam_step(int64_t n, const float *w, const float *m, const float *v, const float *g, float step, float b1c, float b2c, float ic2, float eps, float *wOut, float *mOut, float *vOut)',
      ) as AdamStep,
      maxAbsDifference: lib.func('float lg_max_abs_difference(int64_t n, const float *a, const float *b)') as MaxAbsDifference,
      gramPowerIterations: lib.func(
        'float lg_gram_power_iterations(int32_t rows, int32_t cols, const float *k, const float *start, int32_t iterations, float *vector)',
      ) as GramPowerIterations,
      sign: lib.func('void lg_sign(int64_t n, const float *x, float *out)') as SignLoop,
      linfPgdStep: lib.func(
        'void lg_linf_pgd_step(int64_t n, const float *current, const float *grad, const float *x, float step, float eps, int32_t bounded, float low, float high, float *out)',
      ) as LinfPgdStep,
    };
  } catch (error) {
    return { reason: `${path}: ${firstLine(error)}` };
  }
}
