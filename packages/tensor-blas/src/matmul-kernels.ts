import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BlasLibrary } from './blas-library.js';
import { activate, fillRows, fitsLastAxis, isFusedActivation, type FusedActivation } from './fused-epilogue.js';
import { heapView, isWasmBackend } from './wasm-heap.js';

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

/**
 * Products below this many multiply-adds stay on the wasm kernel: there the FFI call and
 * OpenBLAS's thread hand-off cost more than the arithmetic, and tiny solver-sized products keep
 * wasm's exact rounding.
 */
export const minBlasMatMulWork = 32 * 1024;

/**
 * BatchMatMul / _FusedMatMul on cblas_sgemm, every transpose flag, batch dims equal or one
 * side unbatched. Anything else (other dtypes, general broadcasting, bias shapes off the
 * last axis) goes to `previous`, the kernel that was registered before.
 */
export function blasMatMul(blas: BlasLibrary, previous: KernelConfig): KernelFunc {
  return (args) => {
    const { backend } = args;
    const { a, b, bias, preluActivationWeights: prelu } = args.inputs as Record<string, TensorInfo | undefined> & { a: TensorInfo; b: TensorInfo };
    const { transposeA = false, transposeB = false, activation, leakyreluAlpha } = (args.attrs ?? {}) as MatMulAttrs;
    const rankA = a.shape.length;
    const rankB = b.shape.length;
    if (!isWasmBackend(backend) || a.dtype !== 'float32' || b.dtype !== 'float32' || rankA < 2 || rankB < 2) return previous.kernelFunc(args);
    const m = transposeA ? a.shape[rankA - 1]! : a.shape[rankA - 2]!;
    const k = transposeA ? a.shape[rankA - 2]! : a.shape[rankA - 1]!;
    const kB = transposeB ? b.shape[rankB - 1]! : b.shape[rankB - 2]!;
    const n = transposeB ? b.shape[rankB - 2]! : b.shape[rankB - 1]!;
    if (k !== kB) return previous.kernelFunc(args); // let the backend throw its own shape error
    if (product(a.shape.slice(0, -2)) * m * n * k < minBlasMatMulWork && product(b.shape.slice(0, -2)) * m * n * k < minBlasMatMulWork) return previous.kernelFunc(args);
    const batchShapeA = a.shape.slice(0, -2);
    const batchShapeB = b.shape.slice(0, -2);
    const batchShape = backend_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB);
    const batch = product(batchShape);
    const batchA = product(batchShapeA);
    const batchB = product(batchShapeB);
    const plainBroadcast = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1);
    const epilogueFits =
      isFusedActivation(activation) &&
      (bias === undefined || bias.dtype === 'float32') &&
      fitsLastAxis(bias?.shape, n) &&
      fitsLastAxis(prelu?.shape, n) &&
      (activation !== 'prelu' || prelu !== undefined);
    if (!plainBroadcast || !epilogueFits) return previous.kernelFunc(args);

    const out = backend.makeOutput([...batchShape, m, n], 'float32');
    // Views only now: makeOutput may have grown (and so replaced) the heap.
    const outView = heapView(backend, out);
    if (outView.length === 0) return out;
    // The bias is the GEMM's initial C (β = 1): no pass over the output in JavaScript.
    if (bias) fillRows(outView, heapView(backend, bias), n);
    else if (k === 0) outView.fill(0);
    const beta = bias ? 1 : 0;
    if (k > 0) {
      const aView = heapView(backend, a);
      const bView = heapView(backend, b);
      const lda = transposeA ? m : k;
      const ldb = transposeB ? k : n;
      if (batchB === 1 && !transposeA) {
        // Unbatched B: all of A's rows in one product.
        blas.sgemm(false, transposeB, batch * m, n, k, 1, aView.subarray(0, batch * m * k), lda, bView, ldb, beta, outView, n);
      } else {
        for (let i = 0; i < batch; i++) {
          const aAt = batchA === 1 ? 0 : i * m * k;
          const bAt = batchB === 1 ? 0 : i * k * n;
          blas.sgemm(
            transposeA, transposeB, m, n, k, 1,
            aView.subarray(aAt, aAt + m * k), lda,
            bView.subarray(bAt, bAt + k * n), ldb,
            beta, outView.subarray(i * m * n, (i + 1) * m * n), n,
          );
        }
      }
    }
    return activate(backend, out, n, (activation ?? 'linear') as FusedActivation, prelu ? heapView(backend, prelu) : undefined, leakyreluAlpha);
  };
}
