import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, nativeLoops, Random, setNativeLoops } from '@liftguard/tensor';
import { FlatThreatModel } from './flat-threat-model.js';

beforeAll(async () => {
  await initBackend({ quiet: true });
});

/** One L∞ momentum step on MNIST-like rows, with the compiled loop or the JavaScript one. */
function step(compiled: boolean, bounds: [number, number] | null): Float32Array {
  if (!compiled) setNativeLoops(null);
  try {
    const random = new Random('flat threat model');
    const rows = 6;
    const width = 50;
    // Half the pixels at 0 or 1, gradients with zeros, as on MNIST.
    const x = Float32Array.from({ length: rows * width }, () => (random.next() < 0.5 ? (random.next() < 0.7 ? 0 : 1) : random.next()));
    const ball = new FlatThreatModel(x, rows, 'linf', 0.1, bounds);
    const current = Float32Array.from(x, (v) => v + 0.1 * (2 * random.next() - 1));
    const previous = Float32Array.from(x, (v) => v + 0.1 * (2 * random.next() - 1));
    const grad = Float32Array.from(x, () => (random.next() < 0.1 ? 0 : random.normal()));
    const stepSize = Float32Array.from({ length: rows }, () => 0.2 * random.next());
    const next = Float32Array.from(previous);
    ball.momentumStep(Int32Array.of(5, 0, 3), current, previous, grad, stepSize, 0.75, next);
    return next;
  } finally {
    setNativeLoops(undefined);
  }
}

describe('the L∞ momentum step', () => {
  it('is compiled under CI (tensor-blas built its loops)', () => {
    if (process.env.CI === 'true') expect(nativeLoops()).not.toBeNull();
  });

  it.each([[[0, 1] as [number, number]], [null]])('gives the same values compiled and in JavaScript, bounds %j', (bounds) => {
    const js = step(false, bounds);
    const compiled = step(true, bounds);
    expect(Array.from(compiled)).toEqual(Array.from(js));
  });
});
