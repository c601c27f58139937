import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { assertNoLeaks } from './memory.js';
import { installSharedTapeSaves, uninstallSharedTapeSaves } from './tape-saves.js';

/** Gradients of a small graph that saves inputs and outputs (matMul, relu, exp, square) on one backend. */
function gradients(): { values: number[][] } {
  const values = assertNoLeaks(() =>
    tf.tidy(() => {
      const x = tf.tensor2d([[0.5, -1, 2], [1.5, 0.25, -0.75]]);
      const w = tf.tensor2d([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.exp(tf.relu(tf.matMul(a, b)))));
      const before = tf.memory().numTensors;
      const grads = tf.grads(f)([x, w]);
      expect(tf.memory().numTensors - before).toBe(2);
      return grads.map((g) => Array.from(g.dataSync()));
    }),
  );
  return { values };
}

describe('tensors the tape saves share their data instead of a cloning kernel', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', quiet: true });
  });
  afterAll(async () => {
    installSharedTapeSaves();
    await initBackend({ quiet: true });
  });

  it.each(['wasm', 'cpu'] as const)('%s: the same gradients as tfjs\' clones, and no tensor or data buffer left behind', async (backend) => {
    await initBackend({ backend, quiet: true });
    expect(installSharedTapeSaves()).toBe(true);
    const buffers = tf.memory().numDataBuffers;
    const shared = gradients();
    expect(tf.memory().numDataBuffers).toBe(buffers);
    uninstallSharedTapeSaves();
    const cloned = gradients();
    installSharedTapeSaves();
    expect(shared.values).toEqual(cloned.values);
  });

  it('a gradient of a gradient still flows through saved tensors (they are cloned there)', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    // d/dx of d/dx (x³) = 6x.
    const second = assertNoLeaks(() =>
      tf.tidy(() => Array.from(tf.grad((x: tf.Tensor) => tf.sum(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(tf.mul(y, y), y)))(x)))(tf.tensor1d([0.5, -2, 3])).dataSync())),
    );
    expect(second).toEqual([3, -12, 18]);
  });

  it('dispatches no Identity kernel for saved tensors', async () => {
    await initBackend({ backend: 'wasm', quiet: true });
    const count = async () => {
      const info = await tf.profile(() => {
        tf.tidy(() => {
          const x = tf.tensor1d([0.5, -1, 2]);
          tf.grad((a: tf.Tensor) => tf.sum(tf.exp(tf.relu(a))))(x);
        });
      });
      return info.kernels.filter((k) => k.name === 'Identity').length;
    };
    const shared = await count();
    uninstallSharedTapeSaves();
    const cloned = await count();
    installSharedTapeSaves();
    expect(cloned).toBeGreaterThan(0);
    expect(shared).toBeLessThan(cloned);
  });
});
