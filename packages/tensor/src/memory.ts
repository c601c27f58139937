import * as tf from '@tensorflow/tfjs-core';

/** Live tensors and data buffers, as tfjs counts them. */
export interface TensorCounts {
  tensors: number;
  dataBuffers: number;
}

export function tensorCounts(): TensorCounts {
  const memory = tf.memory();
  return { tensors: memory.numTensors, dataBuffers: memory.numDataBuffers };
}

/** A function left tensors alive that it neither returned nor disposed. */
export class TensorLeakError extends Error {
  constructor(
    readonly label: string,
    readonly leaked: TensorCounts,
  ) {
    super(`${label} leaked ${leaked.tensors} tensor(s) and ${leaked.dataBuffers} data buffer(s)`);
    this.name = 'TensorLeakError';
  }
}

function check(label: string, before: TensorCounts, result: unknown): void {
  const after = tensorCounts();
  const returned = new Set(collectTensors(result as tf.TensorContainer).filter((t) => !t.isDisposed)).size;
  // Returned tensors belong to the caller; they may share buffers with inputs (reshape).
  const leaked = {
    tensors: after.tensors - before.tensors - returned,
    dataBuffers: Math.max(0, after.dataBuffers - before.dataBuffers - returned),
  };
  if (leaked.tensors !== 0 || leaked.dataBuffers !== 0) throw new TensorLeakError(label, leaked);
}

/**
 * Runs `fn` and throws a `TensorLeakError` if a tensor it created is still alive that it
 * did not return. Returns what `fn` returned; its tensors belong to the caller.
 */
export function assertNoLeaks<T>(fn: () => T, label = 'function'): T {
  const before = tensorCounts();
  const result = fn();
  check(label, before, result);
  return result;
}

/** `assertNoLeaks` for async functions. */
export async function assertNoLeaksAsync<T>(fn: () => Promise<T>, label = 'function'): Promise<T> {
  const before = tensorCounts();
  const result = await fn();
  check(label, before, result);
  return result;
}

/**
 * Tracks tensors across awaits, where `tf.tidy` cannot reach: `track` what you create,
 * `keep` what must survive, `dispose` frees the rest.
 */
export class TensorScope {
  private readonly tracked = new Set<tf.Tensor>();

  track<T extends tf.TensorContainer>(container: T): T {
    for (const t of collectTensors(container)) this.tracked.add(t);
    return container;
  }

  keep<T extends tf.TensorContainer>(container: T): T {
    for (const t of collectTensors(container)) this.tracked.delete(t);
    return container;
  }

  dispose(): void {
    for (const t of this.tracked) if (!t.isDisposed) t.dispose();
    this.tracked.clear();
  }
}

/** Runs an async function with a scope that is disposed when it settles. */
export async function withTensorScope<T>(fn: (scope: TensorScope) => Promise<T>): Promise<T> {
  const scope = new TensorScope();
  try {
    return await fn(scope);
  } finally {
    scope.dispose();
  }
}

/** Disposes `previous` and returns `next`: the loop-carried update `x = replace(x, f(x))`. */
export function replace<T extends tf.Tensor>(previous: tf.Tensor | undefined, next: T): T {
  if (previous !== undefined && previous !== next && !previous.isDisposed) previous.dispose();
  return next;
}

function collectTensors(container: tf.TensorContainer | undefined, out: tf.Tensor[] = []): tf.Tensor[] {
  if (container instanceof tf.Tensor) out.push(container);
  else if (Array.isArray(container)) for (const c of container) collectTensors(c, out);
  else if (container !== null && typeof container === 'object' && !ArrayBuffer.isView(container)) {
    for (const c of Object.values(container)) collectTensors(c as tf.TensorContainer, out);
  }
  return out;
}
