import * as tf from '@tensorflow/tfjs-core';
import type { AttackProblem } from '../attack.js';
import type { ApgdRunResult } from './apgd-run.js';

/** Runs an attack on the subset of examples it is given; indices map them back to the batch. */
export type SurvivorRun = (
  x: tf.Tensor,
  labels: tf.Tensor1D,
  reached: (predicted: number, i: number) => boolean,
  indices: Int32Array,
) => Generator<void, ApgdRunResult, void>;

/**
 * The per-example result across runs (restarts, targets): examples that reached the goal drop
 * out of later runs and keep their successful point; the others keep their highest-loss point.
 * Examples already misclassified (or on target) when clean are never attacked.
 */
export class SurvivorPool {
  private readonly output: Float32Array;
  private readonly labels: Int32Array;
  private readonly done: Uint8Array;
  private readonly bestLoss: Float64Array;
  private readonly width: number;

  constructor(private readonly problem: AttackProblem) {
    const n = problem.x.shape[0]!;
    this.width = problem.x.size / Math.max(n, 1);
    this.output = Float32Array.from(problem.x.dataSync());
    this.labels = Int32Array.from(problem.labels.dataSync());
    this.bestLoss = new Float64Array(n).fill(-Infinity);
    // The runner's clean pass when it handed one over, else a forward pass of our own.
    const clean = problem.cleanPredictions ?? tf.tidy(() => tf.argMax(problem.model.predict(problem.x), 1).dataSync());
    this.done = Uint8Array.from(clean, (p, i) => (this.reached(p, this.labels[i]!) ? 1 : 0));
  }

  private reached(predicted: number, label: number): boolean {
    return this.problem.targeted ? predicted === label : predicted !== label;
  }

  remaining(): number {
    return this.done.reduce((s, v) => s + (v ? 0 : 1), 0);
  }

  /** One run on the examples still in the pool, pausing where the run pauses. */
  *attackSurvivors(run: SurvivorRun): Generator<void, void, void> {
    const indices = Int32Array.from(Array.from(this.done).flatMap((v, i) => (v ? [] : [i])));
    if (indices.length === 0) return;
    const [x, labels] = tf.tidy(() => {
      const at = tf.tensor1d(indices, 'int32');
      return [tf.gather(this.problem.x, at), tf.gather(this.problem.labels, at) as tf.Tensor1D];
    });
    const subLabels = Int32Array.from(indices, (i) => this.labels[i]!);
    let result: ApgdRunResult;
    try {
      result = yield* run(x, labels, (p, j) => this.reached(p, subLabels[j]!), indices);
    } finally {
      tf.dispose([x, labels]);
    }
    const best = result.best.dataSync();
    const adversarial = result.adversarial.dataSync();
    tf.dispose([result.best, result.adversarial]);
    const w = this.width;
    indices.forEach((i, j) => {
      if (result.success[j]) {
        this.done[i] = 1;
        this.output.set(adversarial.subarray(j * w, (j + 1) * w), i * w);
      } else if (result.bestLoss[j]! > this.bestLoss[i]!) {
        this.bestLoss[i] = result.bestLoss[j]!;
        this.output.set(best.subarray(j * w, (j + 1) * w), i * w);
      }
    });
  }

  /** The batch's adversarial inputs (a new tensor the caller owns). */
  result(): tf.Tensor {
    return tf.tensor(this.output, [...this.problem.x.shape], 'float32');
  }
}
