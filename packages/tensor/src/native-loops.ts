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
 * Compiled versions of hot per-step loops, provided by @liftguard/tensor-blas when its C loops
 * are built and loaded (the same values, bit for bit); callers keep their JavaScript loop when
 * this is null.
 */
export interface NativeLoops {
  linfMomentumStep: LinfMomentumStep;
}

let active: NativeLoops | null = null;

/** The compiled loops in use, or null. */
export function nativeLoops(): NativeLoops | null {
  return active;
}

/** Set by the accelerator (tensor-blas) as it is enabled and disabled. */
export function setNativeLoops(loops: NativeLoops | null): void {
  active = loops;
}
