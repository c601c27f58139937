import * as tf from '@tensorflow/tfjs-core';
import { probeBackends, type BackendStatus } from './backend.js';
import { blasSummary, type BlasSummary } from './blas.js';
import { installedFallbacks, type InstalledFallback } from './kernels/install-fallbacks.js';
import { installedCorrections } from './kernels/kernel-corrections.js';
import { isNode } from './platform.js';
import { requiredKernels } from './required-kernels.js';
import { wasmThreads, type WasmThreads } from './wasm-threads.js';

export interface KernelCapability {
  kernel: string;
  usedFor: string;
  /** native: the backend's own kernel; fallback: LiftGuard's; missing: neither. */
  forward: 'native' | 'fallback' | 'missing';
  /** Gradient function status; `not-needed` when the packages never differentiate it. */
  gradient: 'registered' | 'missing' | 'not-needed';
}

export interface CapabilityReport {
  backend: string;
  platform: 'node' | 'browser';
  tfjsVersion: string;
  /** wasm only: SIMD in use (null on other backends). */
  simd: boolean | null;
  /** wasm only: multi-threading in use and the thread count (null on other backends). */
  threads: WasmThreads | null;
  /** wasm only: why threads are on or off, e.g. "single-threaded (LIFTGUARD_WASM_THREADS unset or off)". */
  threadsReason: string | null;
  /** wasm only: matMul/conv kernels on the system BLAS via @liftguard/tensor-blas, or why not (null on other backends). */
  blas: BlasSummary | null;
  backends: BackendStatus[];
  kernels: KernelCapability[];
  fallbacks: InstalledFallback[];
  /** Backend kernels LiftGuard wraps because they compute wrong gradients. */
  corrections: InstalledFallback[];
  /** Required kernels with no forward implementation or a missing gradient. */
  gaps: string[];
}

async function threadState(isWasm: boolean): Promise<Pick<CapabilityReport, 'threads' | 'threadsReason'>> {
  if (!isWasm) return { threads: null, threadsReason: null };
  const { reason, ...threads } = await wasmThreads();
  return { threads, threadsReason: reason };
}

/** Describes the active backend: what runs natively, what LiftGuard provides, what is missing. */
export async function capabilityReport(): Promise<CapabilityReport> {
  const backend = tf.getBackend();
  const fallbacks = installedFallbacks(backend);
  const fromFallback = new Set(fallbacks.filter((f) => f.kind !== 'wrapped').map((f) => f.kernelName));
  const kernels = requiredKernels.map<KernelCapability>(({ kernel, usedFor, needsGradient }) => ({
    kernel,
    usedFor,
    forward: tf.getKernel(kernel, backend) == null ? 'missing' : fromFallback.has(kernel) ? 'fallback' : 'native',
    gradient: !needsGradient ? 'not-needed' : tf.getGradient(kernel) == null ? 'missing' : 'registered',
  }));
  const isWasm = backend === 'wasm';
  return {
    backend,
    platform: isNode() ? 'node' : 'browser',
    tfjsVersion: tf.version_core,
    simd: isWasm ? (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true : null,
    ...(await threadState(isWasm)),
    blas: isWasm ? blasSummary() : null,
    backends: await probeBackends(),
    kernels,
    fallbacks,
    corrections: installedCorrections(backend),
    gaps: kernels
      .filter((k) => k.forward === 'missing' || k.gradient === 'missing')
      .map((k) => `${k.kernel} (${k.forward === 'missing' ? 'no kernel' : 'no gradient'})`),
  };
}

function formatBlas(blas: BlasSummary | null): string {
  if (blas === null) return 'n/a';
  if (!blas.active) return `off — ${blas.reason}`;
  return `${blas.library}${blas.threads !== null ? ` (${blas.threads} threads)` : ''} for ${blas.kernels.join(', ')}`;
}

/** Plain-text rendering for terminals. */
export function formatCapabilityReport(report: CapabilityReport): string {
  const lines = [
    `backend: ${report.backend} (tfjs-core ${report.tfjsVersion}, ${report.platform})`,
    `simd: ${report.simd ?? 'n/a'}; threads: ${report.threads ? `${report.threads.enabled ? 'on' : 'off'} (${report.threads.count})${report.threadsReason ? ` — ${report.threadsReason}` : ''}` : 'n/a'}`,
    `blas: ${formatBlas(report.blas)}`,
    'backends:',
    ...report.backends.map((b) => `  ${b.available ? '✓' : '✗'} ${b.name}${b.reason ? ` — ${b.reason}` : ''}`),
    `kernels the packages rely on: ${report.kernels.length} (forward native ${report.kernels.filter((k) => k.forward === 'native').length}, fallback ${report.kernels.filter((k) => k.forward === 'fallback').length}, missing ${report.kernels.filter((k) => k.forward === 'missing').length})`,
    'LiftGuard kernels on this backend:',
    ...(report.fallbacks.length === 0
      ? ['  none needed']
      : report.fallbacks.map((f) => `  ${f.kernelName}: ${f.reason}`)),
    'corrected backend kernels:',
    ...(report.corrections.length === 0 ? ['  none'] : report.corrections.map((f) => `  ${f.kernelName}: ${f.reason}`)),
    `gaps: ${report.gaps.length === 0 ? 'none' : report.gaps.join(', ')}`,
  ];
  return lines.join('\n');
}
