import { installSharedTapeSaves } from './tape-saves.js';
import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from './gradients.js';
import { accelerateWasm } from './blas.js';
import { installFallbacks } from './kernels/install-fallbacks.js';
import { installCorrections } from './kernels/kernel-corrections.js';
import { configureWasmThreads, withPthreadWorkers } from './wasm-threads.js';
import { isNode, readEnv } from './platform.js';

/** Backends LiftGuard knows how to load. */
export const knownBackends = ['tensorflow', 'wasm', 'webgl', 'cpu'] as const;
export type BackendName = (typeof knownBackends)[number];

/** Automatic choice, fastest first; webgl is only used when asked for by name. */
export const backendPreference: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /** Backend to use; overrides `LIFTGUARD_BACKEND`. Default: the first available of `backendPreference`. */
  backend?: string;
  /** Where the wasm backend's .wasm files are served from (browser bundles); see tfjs `setWasmPaths`. */
  wasmPaths?: string | Record<string, string>;
  /** Where the one-line fallback notice goes. Default: console.warn. */
  log?: (line: string) => void;
  /** Suppress the fallback notice. */
  quiet?: boolean;
}

export interface BackendStatus {
  name: BackendName;
  available: boolean;
  /** Why it is not available (absent when it is). */
  reason?: string;
}

export interface BackendInfo {
  /** The active backend. */
  name: BackendName;
  /** How it was chosen. */
  chosenBy: 'option' | 'LIFTGUARD_BACKEND' | 'preference';
  /** Preferred backends that were tried first and could not be used. */
  skipped: BackendStatus[];
}

/** The requested backend is unknown or cannot be used here. */
export class BackendUnavailableError extends Error {
  constructor(
    message: string,
    readonly statuses: BackendStatus[],
  ) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

const packageOf: Record<BackendName, string> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

// A variable specifier keeps bundlers from resolving optional peers at build time.
const importOptional = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

async function loadWasm(options: InitBackendOptions): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (options.wasmPaths !== undefined) wasm.setWasmPaths(options.wasmPaths as string);
  await configureWasmThreads();
}

const loaders: Record<BackendName, (options: InitBackendOptions) => Promise<unknown>> = {
  tensorflow: () => importOptional(packageOf.tensorflow),
  wasm: loadWasm,
  webgl: () => importOptional(packageOf.webgl),
  cpu: () => import('@tensorflow/tfjs-backend-cpu'),
};

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return true;
  // Node says ERR_MODULE_NOT_FOUND; bundlers and test runners say it in words.
  return /Cannot find (module|package)|Failed to resolve module|Could not resolve/.test(String(error));
}

function describeLoadFailure(name: BackendName, error: unknown): string {
  if (isModuleNotFound(error)) return `${packageOf[name]} is not installed`;
  const first = String((error as Error)?.message ?? error).split('\n')[0];
  return `${packageOf[name]} failed to load: ${first}`;
}

function isKnown(name: string): name is BackendName {
  return (knownBackends as readonly string[]).includes(name);
}

function notApplicable(name: BackendName): string | undefined {
  if (name === 'tensorflow' && !isNode()) return 'tfjs-node runs in Node.js only';
  if (name === 'webgl' && isNode()) return 'webgl runs in browsers only';
  return undefined;
}

/** Loads a backend's package and registers it with tfjs (does not activate it). */
async function load(name: BackendName, options: InitBackendOptions): Promise<BackendStatus> {
  const inapplicable = notApplicable(name);
  if (inapplicable) return { name, available: false, reason: inapplicable };
  try {
    await loaders[name](options);
  } catch (error) {
    return { name, available: false, reason: describeLoadFailure(name, error) };
  }
  if (tf.findBackendFactory(name) == null) {
    return { name, available: false, reason: `${packageOf[name]} registered no '${name}' backend` };
  }
  installFallbacks(name);
  installCorrections(name);
  installSharedTapeSaves();
  // BLAS kernels go on top of the fallbacks (they hand what they do not cover to them).
  if (name === 'wasm') await accelerateWasm();
  return { name, available: true };
}

/** Loads and activates a backend; the status says why not when it cannot. */
async function activate(name: BackendName, options: InitBackendOptions): Promise<BackendStatus> {
  const status = await load(name, options);
  if (!status.available) return status;
  if (tf.getBackend() === name) return status;
  const previousWarn = console.warn;
  let initFailure = '';
  // tfjs reports a failed initialization with a stack trace on console.warn; keep it as a reason.
  console.warn = (...args: unknown[]) => {
    initFailure ||= args.map(String).join(' ').split('\n')[0] ?? '';
  };
  try {
    const ok = name === 'wasm' ? await withPthreadWorkers(() => tf.setBackend(name)) : await tf.setBackend(name);
    if (!ok) {
      const hint = name === 'wasm' && !isNode() ? ' (in a bundle, pass wasmPaths: the URL the .wasm files are served from, on the first initBackend call)' : '';
      return { name, available: false, reason: (initFailure || `'${name}' failed to initialize`) + hint };
    }
  } finally {
    console.warn = previousWarn;
  }
  await tf.ready();
  return status;
}

/** Which known backends can be loaded in this process (loading registers them, not activates). */
export async function probeBackends(options: InitBackendOptions = {}): Promise<BackendStatus[]> {
  const statuses: BackendStatus[] = [];
  for (const name of knownBackends) statuses.push(await load(name, options));
  return statuses;
}

function listStatuses(statuses: BackendStatus[]): string {
  const available = statuses.filter((s) => s.available).map((s) => s.name);
  const unavailable = statuses.filter((s) => !s.available).map((s) => `${s.name} (${s.reason})`);
  return `available: ${available.join(', ') || 'none'}; unavailable: ${unavailable.join('; ') || 'none'}`;
}

/**
 * Picks and initializes a backend, registers gradients and fills kernel gaps.
 * Order: `options.backend`, then `LIFTGUARD_BACKEND`, then tensorflow (when
 * @tensorflow/tfjs-node is installed), wasm, cpu. A named backend that is unknown or
 * unavailable throws a `BackendUnavailableError` listing what is available.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const fromEnv = readEnv('LIFTGUARD_BACKEND');
  const requested = options.backend ?? fromEnv;
  let info: BackendInfo;
  if (requested !== undefined) {
    const chosenBy = options.backend !== undefined ? 'option' : 'LIFTGUARD_BACKEND';
    const name = requested.trim().toLowerCase();
    if (!isKnown(name)) {
      const statuses = await probeBackends(options);
      throw new BackendUnavailableError(
        `unknown backend '${requested}' (from ${chosenBy}); known: ${knownBackends.join(', ')}; ${listStatuses(statuses)}`,
        statuses,
      );
    }
    const status = await activate(name, options);
    if (!status.available) {
      const statuses = await probeBackends(options);
      throw new BackendUnavailableError(
        `backend '${name}' (from ${chosenBy}) is unavailable: ${status.reason}; ${listStatuses(statuses)}`,
        statuses,
      );
    }
    info = { name, chosenBy, skipped: [] };
  } else {
    const skipped: BackendStatus[] = [];
    let chosen: BackendName | undefined;
    for (const name of backendPreference) {
      const status = await activate(name, options);
      if (status.available) {
        chosen = name;
        break;
      }
      skipped.push(status);
    }
    if (chosen === undefined) {
      throw new BackendUnavailableError(`no backend could be initialized; ${listStatuses(skipped)}`, skipped);
    }
    info = { name: chosen, chosenBy: 'preference', skipped };
    const worthSaying = skipped.filter((s) => notApplicable(s.name) === undefined);
    if (worthSaying.length > 0 && !options.quiet) {
      const why = worthSaying.map((s) => `${s.name}: ${s.reason}`).join('; ');
      (options.log ?? console.warn)(
        `liftguard: using the '${chosen}' backend (${why}; install @tensorflow/tfjs-node for native speed, or set LIFTGUARD_BACKEND)`,
      );
    }
  }
  await registerGradients();
  return info;
}
