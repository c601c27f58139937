import * as tf from '@tensorflow/tfjs-core';

// The one-kernel Adam step @liftguard/tensor-blas registers on wasm when its compiled loops load.
const adamStepKernel = 'LiftGuardAdamStep';

/** A first-order optimizer over a fixed list of variables, with a learning rate the trainer may change. */
export interface Optimizer {
  learningRate: number;
  /** Applies one update; `grads[i]` is the gradient of `variables[i]`. */
  step(grads: readonly tf.Tensor[]): void;
  dispose(): void;
}

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam (Kingma & Ba), bias-corrected, ε added to √v̂ as in PyTorch. */
export function adam(variables: readonly tf.Variable[], { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8 }: AdamOptions = {}): Optimizer {
  checkRate(learningRate);
  const m = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  const s = tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false)));
  // Constant scalars made once: converting JS numbers on every op costs a tensor each.
  const constants = tf.tidy(() => ({ oneMinusBeta1: tf.keep(tf.scalar(1 - beta1)), oneMinusBeta2: tf.keep(tf.scalar(1 - beta2)), epsilon: tf.keep(tf.scalar(epsilon)) }));
  let t = 0;
  return {
    learningRate,
    step(grads) {
      t++;
      tf.tidy(() => {
        const stepSize = tf.scalar(this.learningRate / (1 - beta1 ** t));
        const inverseCorrection2 = tf.scalar(1 / (1 - beta2 ** t));
        if (tf.getKernel(adamStepKernel, tf.getBackend()) !== undefined) {
          // Float32 operations in the order below, in one kernel per tensor: the same values.
          const attrs = { stepSize: Math.fround(this.learningRate / (1 - beta1 ** t)), oneMinusBeta1: Math.fround(1 - beta1), oneMinusBeta2: Math.fround(1 - beta2), inverseCorrection2: Math.fround(1 / (1 - beta2 ** t)), epsilon: Math.fround(epsilon) };
          variables.forEach((v, i) => {
            const [w, mi, si] = tf.engine().runKernel(adamStepKernel, { variable: v, m: m[i]!, v: s[i]!, gradient: grads[i]! }, attrs as never) as tf.Tensor[];
            v.assign(w!);
            m[i]!.assign(mi!);
            s[i]!.assign(si!);
          });
          return;
        }
        variables.forEach((v, i) => {
          const g = grads[i]!;
          // m += (1 − β1)(g − m) and s += (1 − β2)(g² − s): the moment updates in 3 and 4 kernels.
          const mi = tf.add(m[i]!, tf.mul(constants.oneMinusBeta1, tf.sub(g, m[i]!)));
          const si = tf.add(s[i]!, tf.mul(constants.oneMinusBeta2, tf.sub(tf.square(g), s[i]!)));
          m[i]!.assign(mi);
          s[i]!.assign(si);
          const denominator = tf.add(tf.sqrt(tf.mul(si, inverseCorrection2)), constants.epsilon);
          v.assign(tf.sub(v, tf.mul(stepSize, tf.div(mi, denominator))));
        });
      });
    },
    dispose() {
      tf.dispose([...m, ...s, constants.oneMinusBeta1, constants.oneMinusBeta2, constants.epsilon]);
    },
  };
}

export interface SgdOptions {
  learningRate?: number;
  /** PyTorch-style heavy ball: buf = momentum·buf + g; w −= lr·buf (default 0). */
  momentum?: number;
}

/** Stochastic gradient descent, optionally with momentum. */
export function sgd(variables: readonly tf.Variable[], { learningRate = 1e-2, momentum = 0 }: SgdOptions = {}): Optimizer {
  checkRate(learningRate);
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`momentum must be in [0, 1), got ${momentum}`);
  const buffers = momentum > 0 ? tf.tidy(() => variables.map((v) => tf.variable(tf.zerosLike(v), false))) : [];
  return {
    learningRate,
    step(grads) {
      tf.tidy(() => {
        variables.forEach((v, i) => {
          let direction = grads[i]!;
          if (momentum > 0) {
            direction = tf.add(tf.mul(momentum, buffers[i]!), direction);
            buffers[i]!.assign(direction);
          }
          v.assign(tf.sub(v, tf.mul(this.learningRate, direction)));
        });
      });
    },
    dispose() {
      tf.dispose(buffers);
    },
  };
}

function checkRate(learningRate: number): void {
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new Error(`learningRate must be a positive finite number, got ${learningRate}`);
}
