import * as tf from '@tensorflow/tfjs-core';
import type * as NodeModule from 'node:module';
import type * as NodeOs from 'node:os';
import type * as NodeWorkerThreads from 'node:worker_threads';
import type { TransferListItem, WorkerOptions } from 'node:worker_threads';
import { isNode, readEnv } from './platform.js';

// Node built-ins by a variable specifier, so browser bundlers leave them alone.
const nodeBuiltin = <T>(name: string): Promise<T> => import(/* @vite-ignore */ `node:${name}`) as Promise<T>;

/** What LIFTGUARD_WASM_THREADS asks for: a thread count, or single-threaded wasm and why. */
export interface WasmThreadRequest {
  /** Threads to ask tfjs for; null keeps the single-threaded build. */
  threads: number | null;
  reason: string;
}

/**
 * Reads LIFTGUARD_WASM_THREADS: a count (≥ 2), `auto` (on with every logical core when there
 * are at least 4), or unset / off / 0 / 1 (single-threaded). tfjs itself caps the pool at
 * min(count, 8, cores / 2).
 */
export function wasmThreadRequest(value: string | undefined, cores: number): WasmThreadRequest {
  const v = value?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'off' || v === '0' || v === '1') return { threads: null, reason: 'single-threaded (LIFTGUARD_WASM_THREADS unset or off)' };
  if (v === 'auto') {
    return cores >= 4
      ? { threads: cores, reason: `LIFTGUARD_WASM_THREADS=auto with ${cores} logical cores` }
      : { threads: null, reason: `single-threaded: LIFTGUARD_WASM_THREADS=auto needs at least 4 logical cores, this machine has ${cores}` };
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2) throw new Error(`LIFTGUARD_WASM_THREADS must be a thread count ≥ 2, auto or off, got '${value}'`);
  return { threads: n, reason: `LIFTGUARD_WASM_THREADS=${n}` };
}

let request: WasmThreadRequest = { threads: null, reason: 'single-threaded (LIFTGUARD_WASM_THREADS unset or off)' };

/**
 * Before the wasm backend initializes in Node: asks tfjs for its threaded-SIMD build when
 * LIFTGUARD_WASM_THREADS says so (tfjs turns threads off in Node by default).
 */
export async function configureWasmThreads(): Promise<void> {
  if (!isNode()) return;
  const { availableParallelism, cpus } = await nodeBuiltin<typeof NodeOs>('os');
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  request = wasmThreadRequest(readEnv('LIFTGUARD_WASM_THREADS'), cores);
  if (request.threads === null) return;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(request.threads);
}

/**
 * Runs `initialize` (tf.setBackend('wasm')) with worker_threads able to start tfjs's pthread
 * workers: tfjs hands Emscripten a blob: URL for the worker script and a Blob for the main
 * script, which worker_threads cannot load. During the call only, worker_threads.Worker is a
 * subclass that runs the worker script from memory and passes the main script's file path.
 */
export async function withPthreadWorkers<T>(initialize: () => Promise<T>): Promise<T> {
  if (!isNode() || request.threads === null) return initialize();
  const { createRequire } = await nodeBuiltin<typeof NodeModule>('module');
  const require = createRequire(import.meta.url);
  // The CommonJS exports object: the one Emscripten's glue reads Worker from.
  const workerThreads = require('node:worker_threads') as typeof NodeWorkerThreads;
  const wasmOut = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd';
  const { wasmWorkerContents } = require(`${wasmOut}.worker.js`) as { wasmWorkerContents: string };
  const mainScript = require.resolve(`${wasmOut}.js`);
  const Original = workerThreads.Worker;
  class PthreadWorker extends Original {
    constructor(file: string | URL, options?: WorkerOptions) {
      // Same escaping as tfjs applies before making its blob.
      if (String(file).startsWith('blob:')) super(wasmWorkerContents.replace(/\n/g, '\\n'), { ...options, eval: true });
      else super(file, options);
    }
    override postMessage(message: unknown, transferList?: readonly TransferListItem[]): void {
      const m = message as { cmd?: string; urlOrBlob?: unknown } | null;
      super.postMessage(m?.cmd === 'load' && typeof m.urlOrBlob !== 'string' ? { ...m, urlOrBlob: mainScript } : message, transferList);
    }
  }
  workerThreads.Worker = PthreadWorker;
  try {
    return await initialize();
  } finally {
    workerThreads.Worker = Original;
  }
}

/** The thread state of the active wasm backend, and why it is on or off (one line). */
export interface WasmThreads {
  enabled: boolean;
  count: number;
}

export async function wasmThreads(): Promise<WasmThreads & { reason: string }> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  const threaded = typeof SharedArrayBuffer !== 'undefined' && heap?.buffer instanceof SharedArrayBuffer;
  if (!threaded) {
    const reason = isNode() ? request.reason : 'single-threaded build (the page is not cross-origin isolated, or threads are unsupported)';
    return { enabled: false, count: 1, reason };
  }
  const count = wasm.getThreadsCount();
  return { enabled: true, count, reason: `${request.threads !== null ? request.reason : 'threaded-SIMD build'}; tfjs uses ${count} (it caps at min(requested, 8, cores / 2))` };
}
