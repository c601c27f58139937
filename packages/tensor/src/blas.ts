import { setNativeLoopsProvider, type NativeLoops } from './native-loops.js';
import { isNode } from './platform.js';

/** What the optional @liftguard/tensor-blas package reports (the subset this package reads). */
export interface BlasSummary {
  active: boolean;
  /** e.g. "OpenBLAS 0.3.21"; null when none is in use. */
  library: string | null;
  /** The library the convolutions run on when it is not BLAS, e.g. "oneDNN 2.6.3" (absent in older @liftguard/tensor-blas). */
  convolutions?: string | null;
  /** One line: what runs on BLAS, or why nothing does. */
  reason: string;
  kernels: string[];
  threads: number | null;
  /** "compiled loops" when tensor-blas' fused C loops run (absent in older @liftguard/tensor-blas). */
  loops?: string | null;
}

interface TensorBlasModule {
  enableBlas(options?: { backendName?: string }): BlasSummary;
  disableBlas(backendName?: string): void;
  blasStatus(): BlasSummary;
  compiledLoops?(): NativeLoops | null;
}

const blasPackage = '@liftguard/tensor-blas';
let blasModule: TensorBlasModule | undefined;
let summary: BlasSummary = { active: false, library: null, reason: 'not tried (wasm backend not loaded)', kernels: [], threads: null };

const inactive = (reason: string): BlasSummary => ({ active: false, library: null, reason, kernels: [], threads: null });

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(String(error));
}

/**
 * Puts the BLAS kernels of @liftguard/tensor-blas (an optional peer, Node only) on the wasm
 * backend when that package is installed. Never throws; the summary says why not.
 */
export async function accelerateWasm(): Promise<BlasSummary> {
  if (!isNode()) return (summary = inactive('BLAS kernels run in Node.js only'));
  if (!blasModule) {
    try {
      // A variable specifier keeps bundlers from resolving the optional peer.
      const specifier = blasPackage;
      blasModule = (await import(/* @vite-ignore */ specifier)) as TensorBlasModule;
    } catch (error) {
      const why = isModuleNotFound(error)
        ? `${blasPackage} is not installed (npm install ${blasPackage} for matMul/conv on the system BLAS)`
        : `${blasPackage} failed to load: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
      return (summary = inactive(why));
    }
  }
  try {
    summary = blasModule.enableBlas({ backendName: 'wasm' });
    const loaded = blasModule;
    setNativeLoopsProvider(() => loaded.compiledLoops?.() ?? null);
  } catch (error) {
    summary = inactive(`${blasPackage} failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  }
  return summary;
}

/** Takes the BLAS kernels off (before LiftGuard's fallbacks are removed, so the registry stays consistent). */
export function suspendBlas(): void {
  if (blasModule && summary.active) {
    blasModule.disableBlas('wasm');
    summary = blasModule.blasStatus();
  }
}

/** Puts them back after `suspendBlas`, when the package was loaded before. */
export function resumeBlas(): void {
  if (blasModule && !summary.active) summary = blasModule.enableBlas({ backendName: 'wasm' });
}

/** The BLAS state of the wasm backend as last set here (or by the package directly). */
export function blasSummary(): BlasSummary {
  return blasModule ? blasModule.blasStatus() : summary;
}
