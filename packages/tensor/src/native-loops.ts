/** APGD's L∞ momentum step over flat float32 rows, as `FlatThreatModel.momentumStep` in @liftguard/attacks computes it. */
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

/**
 * FAB's projection onto box-constrained hyperplanes, as `projectOntoHyperplane` in
 * @liftguard/attacks computes it (l2: 0 for L∞, 1 for L2); `out` must hold zeros; 0 on success.
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

/**
 * FAB's step from its two projections, as `stepTowardsBoundary` in @liftguard/attacks computes it
 * (l2: 0 for L∞, 1 for L2; low/high ±Infinity for an open box).
 */
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

/** sign(x) over n float32 values: ±1, and 0 for ±0 and NaN (the wasm heap's Sign kernel). */
export type SignLoop = (n: number, x: Float32Array, out: Float32Array) => void;

/**
 * Compiled versions of hot per-step loops, provided by @liftguard/tensor-blas when its C loops
 * are built and loaded (the same values, bit for bit); callers keep their JavaScript loop when
 * this is null.
 */
export interface NativeLoops {
  linfMomentumStep: LinfMomentumStep;
  fabProjection: FabProjection;
  /** Absent in @liftguard/tensor-blas before loops ABI 4. */
  sign?: SignLoop;
  /** Absent in @liftguard/tensor-blas before loops ABI 7. */
  fabCombine?: FabCombine;
}

let provider: () => NativeLoops | null = () => null;
let forced: NativeLoops | null | undefined;

/** The compiled loops in use (those of the accelerator while it is enabled), or null. */
export function nativeLoops(): NativeLoops | null {
  return forced !== undefined ? forced : provider();
}

/** For comparisons and tests: null forces the JavaScript loops; undefined follows the accelerator again. */
export function setNativeLoops(loops: NativeLoops | null | undefined): void {
  forced = loops;
}

/** Set once by `accelerateWasm`: asks tensor-blas each time, so enabling and disabling it is seen at once. */
export function setNativeLoopsProvider(next: () => NativeLoops | null): void {
  provider = next;
}
