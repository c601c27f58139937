import * as tf from '@tensorflow/tfjs-core';

/** The tfjs Engine internals this patch touches (tfjs-core 4.22; checked before use). */
interface EngineInternals {
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
  makeTensorFromTensorInfo(info: { dataId: object; shape: number[]; dtype: tf.DataType }, backend?: unknown): tf.Tensor;
  keep<T extends tf.Tensor>(t: T): T;
  state: { gradientDepth: number; tensorInfo: Map<object, { backend: { incRef?(dataId: object): void } }> };
}

let original: EngineInternals['saveTensorsForBackwardMode'] | null = null;

/**
 * The tape saves a tensor for a gradient by cloning it: an Identity kernel and a tape node per
 * saved tensor (~20 of a small training step's ~70 kernels), although the copy only shares the
 * data. This saves a new tensor on the same data (one more reference, as the shared Identity
 * does) without dispatching a kernel. Only for a first-order gradient: there the backward pass
 * runs with the tape off; in a gradient of a gradient it is recorded, and needs the clone's tape
 * node to lead from the saved copy back to its source. Backends without reference counting keep
 * tfjs' clone too. False when this tfjs has no such method (the patch then stays off).
 */
export function installSharedTapeSaves(): boolean {
  if (original !== null) return true;
  const engine = tf.engine() as unknown as EngineInternals;
  if (typeof engine.saveTensorsForBackwardMode !== 'function' || typeof engine.makeTensorFromTensorInfo !== 'function') return false;
  const tfjsSave = engine.saveTensorsForBackwardMode;
  original = tfjsSave;
  engine.saveTensorsForBackwardMode = function (this: EngineInternals, tensors: tf.Tensor[]): tf.Tensor[] {
    if (this.state.gradientDepth > 1) return tfjsSave.call(this, tensors);
    return tensors.map((t) => {
      const info = this.state.tensorInfo.get(t.dataId);
      if (info === undefined || typeof info.backend.incRef !== 'function' || t.dtype === 'string') return tfjsSave.call(this, [t])[0]!;
      info.backend.incRef(t.dataId);
      return this.keep(this.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }, info.backend));
    });
  };
  return true;
}

/** Puts tfjs' own back (for comparisons). */
export function uninstallSharedTapeSaves(): void {
  if (original === null) return;
  (tf.engine() as unknown as EngineInternals).saveTensorsForBackwardMode = original;
  original = null;
}
